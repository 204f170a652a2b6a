// The -jwt-issuer, -jwt-audience and -jwt-jwks flags: what a JWT authorizer trusts locally.

package main

import (
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/httpapi-cdk/httpapi/local"
)

// namedValues is a repeatable NAME=VALUE flag, its values by name.
type namedValues struct {
	values map[string][]string
	once   bool // a name may be given one value only
}

func (n *namedValues) String() string {
	if n == nil {
		return ""
	}
	var parts []string
	for _, name := range slices.Sorted(maps.Keys(n.values)) {
		for _, v := range n.values[name] {
			parts = append(parts, name+"="+v)
		}
	}
	return strings.Join(parts, " ")
}

func (n *namedValues) Set(s string) error {
	name, value, ok := strings.Cut(s, "=")
	if !ok || name == "" || value == "" {
		return fmt.Errorf("%q: want AUTHORIZER=VALUE, the authorizer by logical id or Name", s)
	}
	if n.values == nil {
		n.values = map[string][]string{}
	}
	if n.once && len(n.values[name]) > 0 {
		return fmt.Errorf("%s is given twice", name)
	}
	n.values[name] = append(n.values[name], value)
	return nil
}

// jwtAuthorizers turns the flags into local.Options.JWTAuthorizers,
// reading each -jwt-jwks file, and says in a line per authorizer what it
// trusts.
func jwtAuthorizers(issuers, audiences, jwks *namedValues) (map[string]local.JWTAuthorizer, []string, error) {
	given := map[string]local.JWTAuthorizer{}
	names := map[string]bool{}
	for _, n := range []*namedValues{issuers, audiences, jwks} {
		for name := range n.values {
			names[name] = true
		}
	}
	var lines []string
	for _, name := range slices.Sorted(maps.Keys(names)) {
		var a local.JWTAuthorizer
		var says []string
		if v := issuers.values[name]; len(v) > 0 {
			a.Issuer = v[0]
			says = append(says, fmt.Sprintf("issuer %q", a.Issuer))
		}
		if v := audiences.values[name]; len(v) > 0 {
			a.Audience = v
			says = append(says, fmt.Sprintf("audience %q", a.Audience))
		}
		if v := jwks.values[name]; len(v) > 0 {
			doc, err := os.ReadFile(v[0])
			if err != nil {
				return nil, nil, fmt.Errorf("-jwt-jwks %s: %w", name, err)
			}
			if a.Keys, err = local.ParseKeySet(doc); err != nil {
				return nil, nil, fmt.Errorf("-jwt-jwks %s=%s: %w", name, v[0], err)
			}
			says = append(says, fmt.Sprintf("signatures verified against the %d RSA key(s) of %s", a.Keys.Len(), v[0]))
		}
		given[name] = a
		lines = append(lines, fmt.Sprintf("JWT authorizer %s, for local use: %s", name, strings.Join(says, ", ")))
	}
	return given, lines, nil
}
