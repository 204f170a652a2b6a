// JWT authorizers given for local use: the issuer, audience and keys a developer names in place of the template's.

package local

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// JWTAuthorizer is what a JWT authorizer of the template trusts when
// served locally, in [Options].JWTAuthorizers. A Cognito user pool
// authorizer's issuer names the pool, and its audience the pool's client:
// ids that exist only once the stack is deployed, so without this such an
// authorizer refuses every request. Naming an issuer, an audience and a
// key set lets its routes be exercised with tokens minted locally. The
// fields left empty keep the template's values.
type JWTAuthorizer struct {
	// Issuer is the iss tokens must carry, in place of the template's.
	Issuer string
	// Audience are the aud (or, without aud, client_id) values admitted,
	// in place of the template's.
	Audience []string
	// Keys verifies the signatures of this authorizer's tokens, in place
	// of Options.JWTKeys.
	Keys *KeySet
}

// refusal says why a JWT authorizer refuses every request, "" when it
// knows its issuer and audience.
func (a *Authorizer) refusal() string {
	var why []string
	for _, r := range []string{a.issuerUnknown, a.audienceUnknown} {
		if r != "" && !slices.Contains(why, r) {
			why = append(why, r)
		}
	}
	return strings.Join(why, "; ")
}

// localJWTAuthorizers returns the API's JWT authorizers changed as given,
// by logical id, for the routes to use instead of the template's; an error
// when a name of given is no JWT authorizer's logical id or Name, or
// names several, or changes nothing. An authorizer whose issuer or
// audience stays unknown still refuses every request.
func localJWTAuthorizers(api *API, given map[string]JWTAuthorizer) (map[string]*Authorizer, error) {
	if len(given) == 0 {
		return nil, nil
	}
	jwt := map[string]*Authorizer{} // the API's JWT authorizers, by logical id
	for _, r := range api.Routes {
		if a := r.Authorizer; a != nil && a.Type == "JWT" {
			jwt[a.LogicalID] = a
		}
	}
	out := map[string]*Authorizer{}
	for _, name := range slices.Sorted(maps.Keys(given)) {
		g := given[name]
		var matches []string
		for _, id := range slices.Sorted(maps.Keys(jwt)) {
			if id == name || jwt[id].Name == name {
				matches = append(matches, id)
			}
		}
		switch {
		case len(matches) == 0:
			var names []string
			for _, id := range slices.Sorted(maps.Keys(jwt)) {
				names = append(names, fmt.Sprintf("%s (Name %q)", id, jwt[id].Name))
			}
			if len(names) == 0 {
				names = []string{"none"}
			}
			return nil, fmt.Errorf("Options.JWTAuthorizers: %q is no JWT authorizer of %s by logical id or Name (its JWT authorizers: %s)", name, api.LogicalID, strings.Join(names, ", "))
		case len(matches) > 1:
			return nil, fmt.Errorf("Options.JWTAuthorizers: %q names several JWT authorizers (%s): use a logical id", name, strings.Join(matches, ", "))
		case g.Issuer == "" && len(g.Audience) == 0 && g.Keys == nil:
			return nil, fmt.Errorf("Options.JWTAuthorizers: %q: no Issuer, Audience or Keys to use", name)
		case slices.Contains(g.Audience, ""):
			return nil, fmt.Errorf("Options.JWTAuthorizers: %q: an empty audience", name)
		}
		id := matches[0]
		if _, dup := out[id]; dup {
			return nil, fmt.Errorf("Options.JWTAuthorizers: authorizer %s is named twice", id)
		}
		a := *jwt[id]
		if g.Issuer != "" {
			a.Issuer, a.issuerUnknown = g.Issuer, ""
		}
		if len(g.Audience) > 0 {
			a.Audience, a.audienceUnknown = slices.Clone(g.Audience), ""
		}
		if g.Keys != nil {
			a.keys = g.Keys
		}
		a.Refuse = a.refusal()
		out[id] = &a
	}
	return out, nil
}
