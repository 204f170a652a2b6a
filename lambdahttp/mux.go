// ServeMux: net/http handlers on the route table the stack deploys, and the translation of http.ServeMux patterns to route keys.

package lambdahttp

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/httpapi-cdk/httpapi/openapi"
	"github.com/httpapi-cdk/httpapi/route"
)

// ServeMux is a route table for net/http handlers: the routes it serves are
// the routes a stack deploys ([ServeMux.Keys]), so they are declared once.
// It is an [http.Handler], for a plain server (http.ListenAndServe) or
// tests, and a lambda.Handler, for API Gateway events through a [Bridge]:
//
//	mux := lambdahttp.NewServeMux()
//	mux.HandleFunc("GET /items/{id}", getItem)
//	lambda.Start(mux)                // in Lambda
//	http.ListenAndServe(":8080", mux) // or as a plain server
//
// Requests are matched with API Gateway's precedence ([route.Table]), not
// http.ServeMux's. Where the two differ, a ServeMux does what API Gateway
// does:
//
//   - a greedy variable matches one or more non-empty segments:
//     "/files/{path...}" does not match "/files/", and "/{proxy+}" does
//     not match "/";
//   - a trailing slash on the request path is ignored ("/items/7/" is
//     "/items/7"), with no redirect;
//   - overlapping patterns such as "GET /a/{x}" and "GET /{y}/b", on which
//     http.ServeMux panics, are both accepted and ranked: at the first
//     segment where they differ, a literal beats a variable;
//   - "GET" matches GET only, not HEAD;
//   - a request no route matches goes to the $default route if there is one,
//     even when its path has routes for other methods, as API Gateway sends
//     it there.
//
// Without a $default route, a path with routes for other methods gets 405
// Method Not Allowed with an Allow header, and any other path 404 Not
// Found, both with API Gateway's JSON error body. A browser's CORS
// preflight for a path of the table that has no OPTIONS route of its own is
// answered 204 (API Gateway adds the CORS headers). These outcomes are
// [route.Table.Decide]'s, the same as [Router]'s.
//
// Invoked from an event, a ServeMux dispatches on the event's route key,
// since API Gateway already matched the route, and its path parameters;
// for the $default route, or a route key not in the table, it matches the
// path. As a plain server it matches the path.
//
// A ServeMux is safe for concurrent use.
type ServeMux struct {
	mu     sync.Mutex // serializes registration
	routes atomic.Pointer[muxRoutes]
	bridge atomic.Pointer[Bridge]

	logOnce sync.Once
	log     *slog.Logger // for requests from no event; see logger
}

// muxRoutes is one immutable version of a ServeMux's routes.
type muxRoutes struct {
	keys     []route.Key
	handlers []http.Handler                   // in keys' order
	ops      map[route.Key]*openapi.Operation // typed routes (HandleJSON)
	table    *route.Table
}

// NewServeMux returns an empty ServeMux.
func NewServeMux() *ServeMux { return new(ServeMux) }

// Handle registers h for pattern, which is an API Gateway route key or an
// http.ServeMux pattern, translated to the route key API Gateway deploys:
//
//	"GET /items/{id}"       GET /items/{id}
//	"/items/{id}"           ANY /items/{id} (no method: every method)
//	"ANY /files/{proxy+}"   ANY /files/{proxy+}
//	"GET /files/{path...}"  GET /files/{path+}
//	"POST /items/{$}"       POST /items (API Gateway ignores a trailing slash)
//	"/"                     $default (http.ServeMux's catch-all)
//	"$default"              $default
//
// A pattern that is a valid route key means what API Gateway makes of it:
// "GET /" matches the root path only. Handle panics, as http.ServeMux does,
// on a pattern API Gateway has no route for (a host, a subtree pattern
// ending in "/", a method API Gateway does not route such as CONNECT), on
// a pattern registered twice and on a nil handler.
func (m *ServeMux) Handle(pattern string, h http.Handler) {
	k, err := patternKey(pattern)
	if err != nil {
		panic(err)
	}
	m.register(k, h)
}

// HandleFunc registers f for pattern, as [ServeMux.Handle] does.
func (m *ServeMux) HandleFunc(pattern string, f func(http.ResponseWriter, *http.Request)) {
	if f == nil {
		panic(fmt.Errorf("lambdahttp: pattern %q has a nil handler", pattern))
	}
	m.Handle(pattern, http.HandlerFunc(f))
}

// HandleRoute registers h for the route key k. It panics on an invalid or
// already registered key and on a nil handler.
func (m *ServeMux) HandleRoute(k route.Key, h http.Handler) {
	if err := k.Validate(); err != nil {
		panic(fmt.Errorf("lambdahttp: %w", err))
	}
	m.register(k, h)
}

func (m *ServeMux) register(k route.Key, h http.Handler) { m.registerOp(k, h, nil) }

// registerOp registers h for k, with a typed route's description.
func (m *ServeMux) registerOp(k route.Key, h http.Handler, op *openapi.Operation) {
	if h == nil {
		panic(fmt.Errorf("lambdahttp: route %q has a nil handler", k.String()))
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	old := m.routes.Load()
	next := &muxRoutes{ops: make(map[route.Key]*openapi.Operation)}
	if old != nil {
		next.keys = append(next.keys, old.keys...)
		next.handlers = append(next.handlers, old.handlers...)
		for key, op := range old.ops {
			next.ops[key] = op
		}
	}
	if slices.Contains(next.keys, k) {
		panic(fmt.Errorf("lambdahttp: route %q is registered twice", k.String()))
	}
	next.keys = append(next.keys, k)
	next.handlers = append(next.handlers, h)
	if op != nil {
		next.ops[k] = op
	}
	t, err := route.NewTable(next.keys)
	if err != nil {
		panic(fmt.Errorf("lambdahttp: %w", err))
	}
	next.table = t
	m.routes.Store(next)
}

// Keys returns the route keys of the registered handlers in registration
// order: the routes a stack should deploy for this ServeMux.
func (m *ServeMux) Keys() []route.Key {
	rs := m.routes.Load()
	if rs == nil {
		return nil
	}
	return append([]route.Key(nil), rs.keys...)
}

// Operations implements [openapi.Source]: the registered route keys in
// registration order, each typed route ([HandleJSON]) with its
// parameters, body and response schemas.
func (m *ServeMux) Operations() []openapi.Operation {
	rs := m.routes.Load()
	if rs == nil {
		return nil
	}
	return operations(rs.keys, rs.ops)
}

// Invoke implements lambda.Handler: it serves an API Gateway event through
// a [Bridge] with default options. For other options, serve the ServeMux
// with NewBridge(mux, opts).
func (m *ServeMux) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	b := m.bridge.Load()
	if b == nil {
		b = NewBridge(m, nil)
		if !m.bridge.CompareAndSwap(nil, b) {
			b = m.bridge.Load()
		}
	}
	return b.Invoke(ctx, payload)
}

// ServeHTTP dispatches r to the handler of its route; see [ServeMux]. It
// renders the table's routing decision ([route.Table.Decide]), as
// [Router] does.
func (m *ServeMux) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rs := m.routes.Load()
	ev, _ := RequestFromContext(r.Context())
	if rs == nil {
		writeResponse(w, routingResult(route.Decision{Outcome: route.NotFound}, ev.id()))
		return
	}
	q := route.Request{Method: r.Method, Path: r.URL.Path}
	if ev != nil {
		q.RouteKey = ev.RouteKey
	}
	if r.Method == http.MethodOptions {
		q.Preflight = route.IsPreflight(r.Method, r.Header.Get("Origin"), r.Header.Get("Access-Control-Request-Method"))
	}
	d := rs.table.Decide(q)
	switch d.Outcome {
	case route.Matched:
	case route.Preflight:
		w.WriteHeader(http.StatusNoContent)
		return
	default:
		writeResponse(w, routingResult(d, ev.id()))
		return
	}
	// By route key, API Gateway's path parameters are the path values
	// already (the bridge set them); by path, the match's.
	for name, value := range d.Params {
		r.SetPathValue(name, value)
	}
	if ev != nil && d.Params != nil {
		ev.PathParams = d.Params
	}
	rs.handlers[d.Index].ServeHTTP(w, r)
}

// logger returns the logger of a request: the configured logger of the
// front-end that decoded its event ([Bridge]), or else, for a request to a
// plain server, the ServeMux's default logger.
func (m *ServeMux) logger(ev *Request) *slog.Logger {
	if ev != nil && ev.log != nil {
		return ev.log
	}
	m.logOnce.Do(func() { m.log = defaultLogger() })
	return m.log
}

// patternKey translates a route key or an http.ServeMux pattern into the
// route key API Gateway deploys; see ServeMux.Handle.
func patternKey(pattern string) (route.Key, error) {
	if pattern == route.DefaultKey {
		return route.Default(), nil
	}
	method, path := "", strings.TrimLeft(pattern, " \t")
	if i := strings.IndexAny(path, " \t"); i >= 0 {
		method, path = path[:i], strings.TrimLeft(path[i:], " \t")
	}
	bad := func(format string, args ...any) (route.Key, error) {
		return route.Key{}, fmt.Errorf("lambdahttp: pattern %q: "+format, append([]any{pattern}, args...)...)
	}
	switch {
	case path == "":
		return bad("want \"[METHOD ]/path\" or %q", route.DefaultKey)
	case path[0] != '/':
		return bad("a host in a pattern has no API Gateway route: patterns start with the method or \"/\"")
	case method == "" && path == "/":
		return route.Default(), nil // http.ServeMux's catch-all
	case method == "":
		method = "ANY"
	}
	if p, ok := strings.CutSuffix(path, "/{$}"); ok {
		path = p
		if path == "" {
			path = "/"
		}
	} else if len(path) > 1 && strings.HasSuffix(path, "/") {
		return bad("a pattern ending in \"/\" matches a subtree, which API Gateway has no route for: write %q", strings.TrimSuffix(path, "/")+"/{proxy...}")
	}
	segs := strings.Split(path, "/")
	for i, s := range segs {
		if name, ok := strings.CutSuffix(s, "...}"); ok && strings.HasPrefix(s, "{") {
			segs[i] = name + "+}"
		}
	}
	k := route.Key{Method: method, Path: strings.Join(segs, "/")}
	if err := k.Validate(); err != nil {
		return bad("%v", err)
	}
	return k, nil
}
