// Routing outcomes: what a request against a table comes to, decided once for every front-end.

package route

import (
	"net/http"
	"strings"
)

// Outcome is what a request against a [Table] comes to.
type Outcome uint8

const (
	// NotFound: no route takes the request. API Gateway answers 404
	// {"message":"Not Found"}; so does a handler.
	NotFound Outcome = iota
	// Matched: [Decision.Key] names the route that takes the request, the
	// $default key when only $default does.
	Matched
	// Preflight: a browser's CORS preflight to answer 204 with no body. At
	// the gateway, API Gateway's own answer, with the API's CORS headers;
	// in a function, the toolkit's, to which API Gateway adds them.
	Preflight
	// MethodNotAllowed: in a function whose table has no $default route,
	// the path has routes for other methods only ([Decision.Allowed]).
	MethodNotAllowed
)

// Decision is the outcome of a request against a [Table], and what a
// front-end needs to render it.
type Decision struct {
	Outcome Outcome
	// Key is the route, when Outcome is Matched.
	Key Key
	// Index is Key's position in the table's keys ([Table.Keys]), when
	// Outcome is Matched.
	Index int
	// Params holds the path variables' values when the route was matched
	// by path; nil when it has none, or when the route key came from API
	// Gateway, whose event carries the parameters.
	Params map[string]string
	// Allowed lists the path's methods, sorted, when Outcome is
	// MethodNotAllowed ("ANY" for an ANY route); see [AllowHeader].
	Allowed []string
}

// Request is what routing reads of a request.
type Request struct {
	// Method is the HTTP method.
	Method string
	// Path is the decoded request path, without a named stage's prefix.
	Path string
	// RouteKey is the route key API Gateway matched, from the event
	// ("GET /items/{id}", "$default"); "" for a request that came from no
	// event.
	RouteKey string
	// Preflight reports whether the request is a browser's CORS preflight
	// ([IsPreflight]).
	Preflight bool
}

// IsPreflight reports whether a request is a browser's CORS preflight:
// an OPTIONS request with the Origin and Access-Control-Request-Method
// headers, given by value (docs/api-gateway-behavior.md R-CORS-1).
func IsPreflight(method, origin, accessControlRequestMethod string) bool {
	return method == http.MethodOptions && origin != "" && accessControlRequestMethod != ""
}

// Gateway decides as API Gateway does which route takes a request
// (docs/api-gateway-behavior.md R-RTE-2 to R-RTE-8, R-CORS-1): the best
// match, else the $default route, else, for a preflight of an API with a
// CORS configuration (corsPreflight), API Gateway's own answer, else 404.
// API Gateway never answers 405. The emulator and lambdahttptest's
// Gateway render this decision.
func (t *Table) Gateway(method, path string, corsPreflight bool) Decision {
	if m, ok := t.Match(method, path); ok {
		return Decision{Outcome: Matched, Key: m.Key, Params: m.Params, Index: m.Index}
	}
	if corsPreflight {
		return Decision{Outcome: Preflight}
	}
	return Decision{Outcome: NotFound}
}

// Decide decides what a handler serving this table does with a request
// that reached it: the one routing decision of lambdahttp's Router and
// ServeMux (docs/api-gateway-behavior.md R-KIT-2 to R-KIT-4).
//
//  1. A preflight is answered (Preflight) when the table has no OPTIONS
//     route of its own for the path and the path is one of the table's,
//     or the table has a $default route.
//  2. A route key API Gateway matched that names a route of the table
//     selects it: API Gateway matched the route already.
//  3. Otherwise the path is matched as API Gateway would: the best route,
//     else the $default route, which takes everything no other route
//     matches, as API Gateway's $default does, a known path with another
//     method included.
//  4. With no $default route, a path that has routes for other methods
//     only is MethodNotAllowed, any other NotFound.
func (t *Table) Decide(r Request) Decision {
	if r.Preflight {
		m, ok := t.Match(http.MethodOptions, r.Path)
		if !ok || m.Key.Method != http.MethodOptions {
			if ok || len(t.Allowed(r.Path)) > 0 {
				return Decision{Outcome: Preflight}
			}
		}
	}
	if r.RouteKey != "" && r.RouteKey != DefaultKey {
		if method, path, ok := strings.Cut(r.RouteKey, " "); ok {
			k := Key{Method: method, Path: path}
			if i, ok := t.index[k]; ok {
				return Decision{Outcome: Matched, Key: k, Index: i}
			}
		}
	}
	if m, ok := t.Match(r.Method, r.Path); ok {
		return Decision{Outcome: Matched, Key: m.Key, Params: m.Params, Index: m.Index}
	}
	if allowed := t.Allowed(r.Path); len(allowed) > 0 {
		return Decision{Outcome: MethodNotAllowed, Allowed: allowed}
	}
	return Decision{Outcome: NotFound}
}

// AllowHeader is the Allow header of a MethodNotAllowed decision: its
// methods, with ANY spelled out as every method.
func AllowHeader(allowed []string) string {
	for _, m := range allowed {
		if m == "ANY" {
			return allowAny
		}
	}
	return strings.Join(allowed, ", ")
}

// allowAny is the Allow header of a path that has an ANY route.
var allowAny = strings.Join(HTTPMethods(), ", ")
