// JWT authorizers: a token's claims and scopes checked as API Gateway checks them.

package local

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/httpapi-cdk/httpapi/proxyevent"
)

// authorizeJWT validates the token as API Gateway's JWT authorizer does:
// its signature against Options.JWTKeys when given (without them, any
// signature is accepted: the issuer's keys are not fetched), then issuer,
// audience (or client_id without aud), expiry, not-before and issued-at,
// and the route's scopes. It passes the claims on (docs/api-gateway-behavior.md
// R-AUTH-2 to R-AUTH-4).
func (s *Server) authorizeJWT(q *request, a *Authorizer, header string) *response {
	token := strings.TrimSpace(strings.TrimPrefix(header, "Bearer "))
	parts := strings.Split(token, ".")
	fail := func(why string) *response {
		resp := unauthorized()
		resp.authErr = why
		return resp
	}
	if len(parts) != 3 {
		return fail("the token is not a JWT")
	}
	if s.jwtKeys != nil {
		if err := s.jwtKeys.verify(parts); err != nil {
			return fail(err.Error())
		}
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return fail("the token's payload is not base64url")
	}
	var claims map[string]any
	if err := json.Unmarshal(raw, &claims); err != nil {
		return fail("the token's payload is not JSON")
	}
	// An authorizer without an issuer or audience refuses every token.
	if iss, _ := claims["iss"].(string); iss != a.Issuer || a.Issuer == "" {
		return fail(fmt.Sprintf("issuer %q is not %q", iss, a.Issuer))
	}
	if !slices.ContainsFunc(tokenAudiences(claims), func(x string) bool { return slices.Contains(a.Audience, x) }) {
		return fail("no audience of the token is allowed")
	}
	now := time.Now().Unix()
	if exp, ok := claims["exp"].(float64); ok && now >= int64(exp) {
		return fail("the token has expired")
	}
	if nbf, ok := claims["nbf"].(float64); ok && now < int64(nbf) {
		return fail("the token is not valid yet (nbf)")
	}
	if iat, ok := claims["iat"].(float64); ok && now < int64(iat) {
		return fail("the token was issued in the future (iat)")
	}
	strClaims := make(map[string]string, len(claims))
	for k, v := range claims {
		if s, ok := v.(string); ok {
			strClaims[k] = s
		} else {
			b, _ := json.Marshal(v)
			strClaims[k] = string(b)
		}
	}
	var scopes []string
	sc, ok := claims["scope"]
	if !ok {
		sc = claims["scp"]
	}
	switch sc := sc.(type) {
	case string:
		scopes = strings.Fields(sc)
	case []any:
		for _, e := range sc {
			if s, ok := e.(string); ok {
				scopes = append(scopes, s)
			}
		}
	}
	// A route with scopes admits a token that carries at least one of them.
	if len(q.route.Scopes) > 0 && !slices.ContainsFunc(q.route.Scopes, func(s string) bool { return slices.Contains(scopes, s) }) {
		resp := forbidden()
		resp.authErr = fmt.Sprintf("the token has none of the route's scopes %q", q.route.Scopes)
		return resp
	}
	q.ev.Authorizer = &proxyevent.Authorizer{JWTClaims: strClaims, JWTScopes: scopes}
	return nil
}

// tokenAudiences returns the token's aud claim, a string or a list, or
// without aud its client_id (Cognito access tokens carry no aud).
func tokenAudiences(claims map[string]any) []string {
	switch v := claims["aud"].(type) {
	case string:
		return []string{v}
	case []any:
		var auds []string
		for _, e := range v {
			if s, ok := e.(string); ok {
				auds = append(auds, s)
			}
		}
		return auds
	case nil:
		if cid, ok := claims["client_id"].(string); ok {
			return []string{cid}
		}
	}
	return nil
}
