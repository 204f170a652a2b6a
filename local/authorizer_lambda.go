// Lambda authorizers: their event, their decision and its cache, and IAM policy evaluation.

package local

import (
	"encoding/json"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/httpapi-cdk/httpapi/proxyevent"
	"github.com/httpapi-cdk/httpapi/quota"
)

// authCache caches Lambda authorizer decisions by authorizer and identity
// (docs/api-gateway-behavior.md R-AUTH-8).
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

// authorizeLambda invokes a Lambda authorizer as API Gateway does
// (docs/api-gateway-behavior.md R-AUTH-5 to R-AUTH-9).
func (s *Server) authorizeLambda(q *request, a *Authorizer, identity []string) *response {
	key := a.LogicalID + "\x00" + strings.Join(identity, "\x00")
	entry, cached := q.cfg.authCache.get(key)
	if !cached {
		format := a.PayloadFormat
		if format != "1.0" {
			format = "2.0"
		}
		event, err := q.ev.AuthorizerEvent(format, identity)
		if err != nil {
			return internalError()
		}
		res, ok := q.cfg.function(a.Function).invoke(event, time.Now().Add(quota.AuthorizerTimeout))
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
			q.cfg.authCache.put(key, entry)
		}
	}
	allowed := entry.allowed
	if entry.policy != nil {
		allowed = allows(entry.policy, q.ev.RouteARN())
	}
	if !allowed {
		resp := forbidden()
		resp.authErr = "the authorizer denied the request"
		return resp
	}
	q.ev.Authorizer = &proxyevent.Authorizer{Lambda: entry.context}
	return nil
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
// wins, else an Allow must match. Resources may use * and ? wildcards
// (docs/api-gateway-behavior.md R-AUTH-6).
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
