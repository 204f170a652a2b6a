// local token: a JWT the emulator's JWT authorizers accept, signed with a local key.

package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/httpapi-cdk/httpapi/local"
	"github.com/httpapi-cdk/httpapi/route"
)

const tokenUsage = `usage: local token [-sub NAME] [-scope S]... [-claim NAME=VALUE]... [-ttl 1h] [-keys .local-jwt]
                   [-iss URL -aud ID | -cdk-out cdk.out | -template FILE] [-stack S] [-api ID] [-route "GET /x"]

Prints a JWT signed (RS256) with the key in -keys, created with its JWKS
(-keys/jwks.json) on first use. The emulator accepts it when started with
-jwks .local-jwt/jwks.json. Issuer and audience are those of the API's JWT
authorizer (of -route's, when the API has several), unless -iss and -aud
give them.`

func runToken(args []string) error {
	fl := subcommandFlags("local token", tokenUsage)
	src := apiFlags(fl)
	sub := fl.String("sub", "local-user", "the token's subject (sub)")
	var scopes, claims multiFlag
	fl.Var(&scopes, "scope", "a `scope` the token carries; repeat it, or give several space-separated")
	fl.Var(&claims, "claim", "a claim, `NAME=VALUE`, VALUE as JSON when it parses (42, true, [\"a\"]), else a string; repeatable")
	iss := fl.String("iss", "", "the issuer (default: the JWT authorizer's)")
	aud := fl.String("aud", "", "the audience (default: the JWT authorizer's first)")
	routeKey := fl.String("route", "", "take issuer and audience from this `route`'s authorizer")
	ttl := fl.Duration("ttl", time.Hour, "how long the token is valid")
	keys := fl.String("keys", ".local-jwt", "`directory` of the signing key and its jwks.json (created if missing)")
	if err := parseFlagsOnly(fl, args); err != nil {
		return err
	}
	if *iss == "" || *aud == "" {
		a, err := jwtAuthorizer(src, *routeKey)
		if err != nil {
			return err
		}
		if *iss == "" {
			*iss = a.Issuer
		}
		if *aud == "" && len(a.Audience) > 0 {
			*aud = a.Audience[0]
		}
	}
	now := time.Now()
	c := map[string]any{"iss": *iss, "aud": *aud, "sub": *sub, "iat": now.Unix(), "exp": now.Add(*ttl).Unix()}
	if len(scopes) > 0 {
		c["scope"] = strings.Join(strings.Fields(strings.Join(scopes, " ")), " ")
	}
	for _, kv := range claims {
		name, value, ok := strings.Cut(kv, "=")
		if !ok || name == "" {
			return fmt.Errorf("-claim %q: want NAME=VALUE", kv)
		}
		var v any
		if json.Unmarshal([]byte(value), &v) != nil {
			v = value
		}
		c[name] = v
	}
	signer, err := local.LoadTokenSigner(*keys)
	if err != nil {
		return err
	}
	tok, err := signer.Sign(c)
	if err != nil {
		return err
	}
	shown, _ := json.Marshal(c)
	fmt.Fprintf(os.Stderr, "local token: %s, signed with key %s; the emulator trusts it with -jwks %s\n",
		shown, signer.KeyID(), filepath.Join(*keys, local.TokenJWKSFile))
	fmt.Println(tok)
	return nil
}

// jwtAuthorizer returns the JWT authorizer of the API's routes (of the
// route named, if one is), which must be the only one.
func jwtAuthorizer(src *apiSource, routeKey string) (*local.Authorizer, error) {
	api, err := src.load()
	if err != nil {
		return nil, fmt.Errorf("%w (or give -iss and -aud)", err)
	}
	var want route.Key
	if routeKey != "" {
		if want, err = route.Parse(routeKey); err != nil {
			return nil, fmt.Errorf("-route: %w", err)
		}
	}
	var found []*local.Authorizer
	var ids []string
	for _, r := range api.Routes {
		a := r.Authorizer
		if a == nil || a.Type != "JWT" || (routeKey != "" && r.Key != want) {
			continue
		}
		if !slices.Contains(ids, a.LogicalID) {
			found = append(found, a)
			ids = append(ids, a.LogicalID)
		}
	}
	switch {
	case len(found) == 0 && routeKey != "":
		return nil, fmt.Errorf("route %s of %s/%s has no JWT authorizer", routeKey, api.Stack, api.LogicalID)
	case len(found) == 0:
		return nil, fmt.Errorf("%s/%s has no route with a JWT authorizer (give -iss and -aud for another API)", api.Stack, api.LogicalID)
	case len(found) > 1:
		return nil, fmt.Errorf("%s/%s has %d JWT authorizers (%s): choose one with -route", api.Stack, api.LogicalID, len(found), strings.Join(ids, ", "))
	}
	a := found[0]
	if a.Refuse != "" {
		return nil, errors.New("authorizer " + a.LogicalID + " refuses every token in the emulator: " + a.Refuse)
	}
	return a, nil
}
