// JWT authorizers: a token's claims and scopes checked as API Gateway checks them.

package local

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/httpapi-cdk/httpapi/proxyevent"
)

// jwtRefusal is why a JWT authorizer refused a token: the
// error_description of the www-authenticate challenge the client reads,
// and the detail $context.authorizer.error logs.
type jwtRefusal struct {
	description string
	detail      string
}

// The error_description of each refusal (docs/api-gateway-behavior.md
// R-AUTH-11): AWS documents the audience's wording only; the others are
// this project's, in the same style.
const (
	descAudience  = "the token does not have a valid audience"
	descIssuer    = "the token does not have a valid issuer"
	descMalformed = "the token is not a valid JWT"
	descSignature = "the token's signature is not valid"
	descAlgorithm = "the token's signing algorithm is not supported"
	descKid       = "the token's kid does not name a key of the issuer"
	descExpired   = "the token has expired"
	descNoExpiry  = "the token has no valid expiration time (exp)"
	descNotYet    = "the token is not valid yet"
	descIssuedAt  = "the token's issue time is in the future"
	descBadDate   = "the token's time claims are not NumericDates"
	descScope     = "the token does not have the required scopes"
	descRefused   = "the emulator cannot know this authorizer's issuer or audience before deployment"
)

// bearerChallenge is the www-authenticate value of a 401 for a token
// refused with this description, laid out as API Gateway's troubleshooting
// page shows it: Bearer scope="" error="invalid_token" error_description="…"
// (R-AUTH-11).
func bearerChallenge(description string) string {
	return `Bearer scope="" error="invalid_token" error_description=` + quoted(description)
}

// quoted is s as an HTTP quoted-string (RFC 9110 §5.6.4).
func quoted(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// jwtUnauthorized is the 401 for a refused token, with its challenge.
func jwtUnauthorized(why jwtRefusal) *response {
	resp := unauthorized()
	resp.header.Set("Www-Authenticate", bearerChallenge(why.description))
	resp.authErr = why.detail
	return resp
}

// authorizeJWT validates the token as API Gateway's JWT authorizer does:
// its signature against the authorizer's keys or Options.JWTKeys when
// given (without them, any signature is accepted, the issuer's keys not
// being fetched, but the header must still name an RSA algorithm), then issuer, audience (or client_id without aud), expiry,
// not-before and issued-at, and the route's scopes. It passes the claims
// on (docs/api-gateway-behavior.md R-AUTH-2 to R-AUTH-4, R-AUTH-11,
// R-AUTH-12).
func (s *Server) authorizeJWT(q *request, a *Authorizer, header string) *response {
	keys := a.keys
	if keys == nil {
		keys = s.jwtKeys
	}
	claims, why := validateJWT(a, keys, strings.TrimSpace(strings.TrimPrefix(header, "Bearer ")), time.Now())
	if why != nil {
		return jwtUnauthorized(*why)
	}
	scopes := tokenScopes(claims)
	// A route with scopes admits a token that carries at least one of them.
	if len(q.route.Scopes) > 0 && !slices.ContainsFunc(q.route.Scopes, func(s string) bool { return slices.Contains(scopes, s) }) {
		resp := forbidden()
		resp.header.Set("Www-Authenticate", `Bearer scope=`+quoted(strings.Join(q.route.Scopes, " "))+
			` error="insufficient_scope" error_description=`+quoted(descScope))
		resp.authErr = fmt.Sprintf("the token has none of the route's scopes %q", q.route.Scopes)
		return resp
	}
	q.ev.Authorizer = &proxyevent.Authorizer{JWTClaims: flattenClaims(claims), JWTScopes: scopes}
	return nil
}

// validateJWT checks a compact JWS at time now, as API Gateway's JWT
// authorizer does, and returns its claims, numbers kept as json.Number;
// or why it is refused.
func validateJWT(a *Authorizer, keys *KeySet, token string, now time.Time) (map[string]any, *jwtRefusal) {
	refuse := func(description, detail string) (map[string]any, *jwtRefusal) {
		return nil, &jwtRefusal{description: description, detail: detail}
	}
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return refuse(descMalformed, "the token is not a JWT")
	}
	header, bad := parseJWTHeader(parts[0])
	if bad != nil {
		return nil, bad
	}
	if keys != nil {
		if err := keys.verify(parts, header); err != nil {
			return refuse(err.description, err.detail)
		}
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return refuse(descMalformed, "the token's payload is not base64url")
	}
	var claims map[string]any
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	if err := d.Decode(&claims); err != nil || claims == nil || d.More() {
		return refuse(descMalformed, "the token's payload is not a JSON object")
	}
	// An authorizer without an issuer or audience refuses every token.
	if iss, _ := claims["iss"].(string); iss != a.Issuer || a.Issuer == "" {
		return refuse(descIssuer, fmt.Sprintf("issuer %q is not %q", iss, a.Issuer))
	}
	if !slices.ContainsFunc(tokenAudiences(claims), func(x string) bool { return slices.Contains(a.Audience, x) }) {
		return refuse(descAudience, "no audience of the token is allowed")
	}
	// exp is required, nbf and iat optional; each a NumericDate, a JSON
	// number of seconds (RFC 7519 §2): "1700000000" is not one.
	t := float64(now.UnixNano()) / 1e9
	exp, ok, valid := numericDate(claims, "exp")
	switch {
	case !valid:
		return refuse(descBadDate, "exp is not a NumericDate (a JSON number of seconds)")
	case !ok:
		return refuse(descNoExpiry, "the token has no exp")
	case t >= exp:
		return refuse(descExpired, "the token has expired")
	}
	for _, c := range []struct{ name, description, detail string }{
		{"nbf", descNotYet, "the token is not valid yet (nbf)"},
		{"iat", descIssuedAt, "the token was issued in the future (iat)"},
	} {
		v, ok, valid := numericDate(claims, c.name)
		if !valid {
			return refuse(descBadDate, c.name+" is not a NumericDate (a JSON number of seconds)")
		}
		if ok && t < v {
			return refuse(c.description, c.detail)
		}
	}
	return claims, nil
}

// numericDate reads a time claim: ok when present, valid unless present
// and not a finite JSON number.
func numericDate(claims map[string]any, name string) (seconds float64, ok, valid bool) {
	v, ok := claims[name]
	if !ok {
		return 0, false, true
	}
	n, isNumber := v.(json.Number)
	if !isNumber {
		return 0, true, false
	}
	f, err := n.Float64()
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, true, false
	}
	return f, true, true
}

// tokenScopes returns the token's scope claim (space-separated) or, without
// one, its scp claim (a list); nil when it has neither or they are empty.
func tokenScopes(claims map[string]any) []string {
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
	if len(scopes) == 0 {
		return nil
	}
	return scopes
}

// flattenClaims renders every claim as a string, as API Gateway does in
// requestContext.authorizer.jwt.claims (R-AUTH-4): a string as is, a
// number as written in the token, a boolean as true or false, a list as
// its elements flattened alike, space-separated, in brackets ("[admin
// dev]"), an object as its JSON text. A null claim is left out.
func flattenClaims(claims map[string]any) map[string]string {
	out := make(map[string]string, len(claims))
	for k, v := range claims {
		if v != nil {
			out[k] = flattenClaim(v)
		}
	}
	return out
}

// flattenClaim renders one claim value as flattenClaims does.
func flattenClaim(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case json.Number:
		return v.String()
	case bool:
		return strconv.FormatBool(v)
	case []any:
		elems := make([]string, len(v))
		for i, e := range v {
			elems[i] = flattenClaim(e)
		}
		return "[" + strings.Join(elems, " ") + "]"
	}
	b, _ := json.Marshal(v) // an object, or null in a list
	return string(b)
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
