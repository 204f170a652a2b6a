// Route authorization: identity sources and the route's authorizer.

package local

import (
	"strings"

	"github.com/httpapi-cdk/httpapi/proxyevent"
)

// identity resolves an identity source such as "$request.header.Authorization"
// or "$request.querystring.token"; "" when absent.
func (q *request) identity(source string) string {
	switch {
	case strings.HasPrefix(source, "$request.header."):
		return q.r.Header.Get(strings.TrimPrefix(source, "$request.header."))
	case strings.HasPrefix(source, "$request.querystring."):
		values := proxyevent.ParseQuery(q.r.URL.RawQuery)
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
// instead of invoking the route, or nil to go on. A missing identity source
// is a 401 without calling the authorizer (docs/api-gateway-behavior.md R-AUTH-1).
func (s *Server) authorize(q *request, a *Authorizer) *response {
	if a.Refuse != "" {
		return jwtUnauthorized(jwtRefusal{description: descRefused, detail: a.Refuse})
	}
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
			if a.Type == "JWT" {
				// No credentials: RFC 6750 §3.1 gives no error code (R-AUTH-11).
				resp.header.Set("Www-Authenticate", `Bearer scope=""`)
			}
			return resp
		}
		identity = append(identity, v)
	}
	if a.Type == "JWT" {
		return s.authorizeJWT(q, a, identity[0])
	}
	return s.authorizeLambda(q, a, identity)
}
