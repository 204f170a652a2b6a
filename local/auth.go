package local

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/httpapi-cdk/httpapi/quota"
)

func randRead(b []byte) { rand.Read(b) }

// authCache caches Lambda authorizer decisions by authorizer and identity.
type authCache struct {
	mu      sync.Mutex
	entries map[string]authEntry
}

type authEntry struct {
	allowed bool              // a simple response's decision
	policy  []policyStatement // an IAM policy response, evaluated per request
	context map[string]any
	expires time.Time
}

func (c *authCache) get(key string) (authEntry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok || time.Now().After(e.expires) {
		return authEntry{}, false
	}
	return e, true
}

func (c *authCache) put(key string, e authEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil {
		c.entries = map[string]authEntry{}
	}
	c.entries[key] = e
}

// identity resolves an identity source such as "$request.header.Authorization"
// or "$request.querystring.token"; "" when absent.
func (q *request) identity(source string) string {
	switch {
	case strings.HasPrefix(source, "$request.header."):
		return q.r.Header.Get(strings.TrimPrefix(source, "$request.header."))
	case strings.HasPrefix(source, "$request.querystring."):
		_, values := queryParams(q.r.URL.RawQuery)
		return strings.Join(values[strings.TrimPrefix(source, "$request.querystring.")], ",")
	case strings.HasPrefix(source, "$stageVariables."):
		return q.stage.Variables[strings.TrimPrefix(source, "$stageVariables.")]
	case strings.HasPrefix(source, "$context."):
		if source == "$context.routeKey" {
			return q.route.Key.String()
		}
	}
	return ""
}

// authorize runs the route's authorizer and returns a response to send
// instead of invoking the route, or nil to go on.
func (s *Server) authorize(q *request, a *Authorizer) *response {
	sources := a.IdentitySource
	if len(sources) == 0 && a.Type == "JWT" {
		sources = []string{"$request.header.Authorization"}
	}
	var identity []string
	for _, src := range sources {
		v := q.identity(src)
		if v == "" {
			resp := unauthorized()
			resp.authErr = "missing identity source " + src
			return resp
		}
		identity = append(identity, v)
	}
	if a.Type == "JWT" {
		return s.authorizeJWT(q, a, identity[0])
	}
	return s.authorizeLambda(q, a, identity)
}

// authorizeJWT validates the token as API Gateway's JWT authorizer does:
// its signature against Options.JWTKeys when given (without them, any
// signature is accepted: the issuer's keys are not fetched), then issuer,
// audience (or client_id without aud), expiry, not-before and issued-at,
// and the route's scopes. It passes the claims on.
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
	if iss, _ := claims["iss"].(string); a.Issuer != "" && iss != a.Issuer {
		return fail(fmt.Sprintf("issuer %q is not %q", iss, a.Issuer))
	}
	if len(a.Audience) > 0 {
		// aud when the token has one, else client_id.
		var auds []string
		switch v := claims["aud"].(type) {
		case string:
			auds = []string{v}
		case []any:
			for _, e := range v {
				if s, ok := e.(string); ok {
					auds = append(auds, s)
				}
			}
		case nil:
			if cid, ok := claims["client_id"].(string); ok {
				auds = []string{cid}
			}
		}
		if !slices.ContainsFunc(auds, func(x string) bool { return slices.Contains(a.Audience, x) }) {
			return fail("no audience of the token is allowed")
		}
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
	q.authorizer = map[string]any{"jwt": events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{Claims: strClaims, Scopes: scopes}}
	q.authorizerV1 = map[string]any{"claims": strClaims, "scopes": scopes}
	return nil
}

// authorizeLambda invokes a Lambda authorizer as API Gateway does.
func (s *Server) authorizeLambda(q *request, a *Authorizer, identity []string) *response {
	key := a.LogicalID + "\x00" + strings.Join(identity, "\x00")
	entry, cached := s.authCache.get(key)
	if !cached {
		event, err := s.authorizerEvent(q, a, identity)
		if err != nil {
			return internalError()
		}
		res, ok := s.pools[a.Function].invoke(event, time.Now().Add(quota.AuthorizerTimeout))
		if !ok || res.outcome != outcomeOK {
			resp := internalError()
			resp.authErr = "the authorizer failed: " + res.detail
			return resp
		}
		entry, ok = authorizerDecision(res.payload, a.SimpleResponse)
		if !ok {
			resp := internalError()
			resp.authErr = "the authorizer's response is not valid"
			return resp
		}
		if a.CacheTTL > 0 {
			entry.expires = time.Now().Add(a.CacheTTL)
			s.authCache.put(key, entry)
		}
	}
	allowed := entry.allowed
	if entry.policy != nil {
		allowed = allows(entry.policy, s.routeArn(q))
	}
	if !allowed {
		resp := forbidden()
		resp.authErr = "the authorizer denied the request"
		return resp
	}
	// {"lambda": null} when the authorizer returned no context, as AWS sends it.
	q.authorizer = map[string]any{"lambda": entry.context}
	q.authorizerV1 = entry.context
	return nil
}

// routeArn is the ARN API Gateway authorizes: the stage, the method, and
// the path without the stage prefix.
func (s *Server) routeArn(q *request) string {
	return fmt.Sprintf("arn:aws:execute-api:us-east-1:%s:%s/%s/%s%s", accountID, s.apiID, q.stage.Name, q.r.Method, q.routePath)
}

// authorizerDecision reads a simple response ({"isAuthorized": bool}) or an
// IAM policy response; a policy is kept, to be evaluated per request.
func authorizerDecision(payload []byte, simple bool) (authEntry, bool) {
	var r struct {
		IsAuthorized   *bool          `json:"isAuthorized"`
		Context        map[string]any `json:"context"`
		PolicyDocument *struct {
			Statement []policyStatement `json:"Statement"`
		} `json:"policyDocument"`
	}
	if err := json.Unmarshal(payload, &r); err != nil {
		return authEntry{}, false
	}
	if simple {
		if r.IsAuthorized == nil {
			return authEntry{}, false
		}
		return authEntry{allowed: *r.IsAuthorized, context: r.Context}, true
	}
	if r.PolicyDocument == nil {
		return authEntry{}, false
	}
	return authEntry{policy: r.PolicyDocument.Statement, context: r.Context}, true
}

// policyStatement is one statement of an authorizer's IAM policy.
type policyStatement struct {
	Effect   string `json:"Effect"`
	Resource any    `json:"Resource"` // a string or a list of strings
}

// allows evaluates a policy for a route ARN as IAM does: an explicit Deny
// wins, else an Allow must match. Resources may use * and ? wildcards.
func allows(policy []policyStatement, arn string) bool {
	allowed := false
	for _, st := range policy {
		var resources []string
		switch r := st.Resource.(type) {
		case string:
			resources = []string{r}
		case []any:
			for _, e := range r {
				if s, ok := e.(string); ok {
					resources = append(resources, s)
				}
			}
		}
		if !slices.ContainsFunc(resources, func(pattern string) bool { return wildcardMatch(pattern, arn) }) {
			continue
		}
		switch st.Effect {
		case "Deny":
			return false
		case "Allow":
			allowed = true
		}
	}
	return allowed
}

// wildcardMatch matches s against an IAM pattern with * and ?.
func wildcardMatch(pattern, s string) bool {
	if pattern == "" {
		return s == ""
	}
	switch pattern[0] {
	case '*':
		for i := 0; i <= len(s); i++ {
			if wildcardMatch(pattern[1:], s[i:]) {
				return true
			}
		}
		return false
	case '?':
		return s != "" && wildcardMatch(pattern[1:], s[1:])
	}
	return s != "" && s[0] == pattern[0] && wildcardMatch(pattern[1:], s[1:])
}

func (s *Server) authorizerEvent(q *request, a *Authorizer, identity []string) ([]byte, error) {
	arn := s.routeArn(q)
	if a.PayloadFormat == "1.0" {
		ev := q.v1()
		return json.Marshal(struct {
			Type               string `json:"type"`
			MethodArn          string `json:"methodArn"`
			IdentitySource     string `json:"identitySource"`
			AuthorizationToken string `json:"authorizationToken"`
			*eventV1
		}{"REQUEST", arn, strings.Join(identity, ","), strings.Join(identity, ","), ev})
	}
	ev := q.v2()
	ev.Body, ev.IsBase64Encoded = "", false
	return json.Marshal(struct {
		Type           string   `json:"type"`
		RouteArn       string   `json:"routeArn"`
		IdentitySource []string `json:"identitySource"`
		*eventV2
		IsBase64Encoded *bool `json:"isBase64Encoded,omitempty"`
	}{"REQUEST", arn, identity, ev, nil})
}
