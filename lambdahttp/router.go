// Router: lambda.Handler over a route table of HandlerFuncs, rendering the table's routing decision.

package lambdahttp

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/httpapi-cdk/httpapi/openapi"
	"github.com/httpapi-cdk/httpapi/quota"
	"github.com/httpapi-cdk/httpapi/route"
)

// MaxResponseBytes is Lambda's limit on a synchronous invocation's response,
// [quota.PayloadBytes]. A larger response would fail the invocation; the
// router answers 500 instead
// (docs/api-gateway-behavior.md R-ERR-5, R-KIT-7).
const MaxResponseBytes = quota.PayloadBytes

// HandlerFunc handles one request. A returned error becomes an error
// response: an *[Error] keeps its status and message, any other error
// becomes 500 with a generic message.
type HandlerFunc func(ctx context.Context, r *Request) (*Response, error)

// Route pairs a route key with its handler.
type Route struct {
	Key     route.Key
	Handler HandlerFunc

	op *openapi.Operation // a typed route's description (JSONRoute), else nil
}

// Options configure a [Router].
type Options struct {
	// Logger receives one line per request: INFO, or ERROR for a 5xx
	// status, plus an ERROR line per handler error or panic.
	// Default: lines on standard output at the function's application log
	// level (AWS_LAMBDA_LOG_LEVEL, INFO when unset), JSON as Lambda's JSON
	// log format expects, or text if AWS_LAMBDA_LOG_FORMAT is "Text".
	Logger *slog.Logger
	// CompressMinBytes is the smallest body that is gzip-compressed for
	// clients that accept it.
	// Default: 1024.
	CompressMinBytes int
}

// Router dispatches API Gateway events to the handlers of a route table.
// It is safe for concurrent use.
type Router struct {
	handlers    []HandlerFunc // in the table's key order
	ops         map[route.Key]*openapi.Operation
	table       *route.Table
	log         *slog.Logger
	compressMin int
}

// NewRouter builds a router over routes. It fails on an invalid or
// duplicate route key or a nil handler.
func NewRouter(opts *Options, routes ...Route) (*Router, error) {
	rt := &Router{handlers: make([]HandlerFunc, 0, len(routes)), compressMin: 1024}
	if opts != nil {
		rt.log = opts.Logger
		if opts.CompressMinBytes > 0 {
			rt.compressMin = opts.CompressMinBytes
		}
	}
	if rt.log == nil {
		rt.log = defaultLogger()
	}
	keys := make([]route.Key, 0, len(routes))
	for _, r := range routes {
		if r.Handler == nil {
			return nil, fmt.Errorf("lambdahttp: route %q has a nil handler", r.Key.String())
		}
		rt.handlers = append(rt.handlers, r.Handler)
		if r.op != nil {
			if rt.ops == nil {
				rt.ops = map[route.Key]*openapi.Operation{}
			}
			rt.ops[r.Key] = r.op
		}
		keys = append(keys, r.Key)
	}
	t, err := route.NewTable(keys)
	if err != nil {
		return nil, fmt.Errorf("lambdahttp: %w", err)
	}
	rt.table = t
	return rt, nil
}

// Keys returns the route table's keys in declaration order: the routes a
// stack should deploy for this router.
func (rt *Router) Keys() []route.Key { return rt.table.Keys() }

// Operations implements [openapi.Source]: the route table's keys in
// declaration order, each typed route ([JSONRoute]) with its parameters,
// body and response schemas. The httpapi construct documents a stack's
// routes from them.
func (rt *Router) Operations() []openapi.Operation { return operations(rt.table.Keys(), rt.ops) }

// operations describes keys, with the typed routes' descriptions.
func operations(keys []route.Key, ops map[route.Key]*openapi.Operation) []openapi.Operation {
	out := make([]openapi.Operation, len(keys))
	for i, k := range keys {
		if op := ops[k]; op != nil {
			out[i] = *op
		} else {
			out[i] = openapi.Operation{Key: k}
		}
	}
	return out
}

// Invoke implements lambda.Handler: it decodes an event of either payload
// format, serves it and encodes the response in the same format. It never
// returns an error: malformed events, handler errors and panics become
// error responses (docs/api-gateway-behavior.md R-KIT-9).
func (rt *Router) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	start := time.Now()
	req, err := parseInvocation(payload)
	var resp *Response
	if err != nil {
		resp = errorResult(ctx, rt.log, req.RequestID, err)
	} else {
		resp = rt.Serve(ctx, req)
	}
	out := encode(req, resp, rt.compressMin)
	if len(out) > MaxResponseBytes {
		err := fmt.Errorf("response of %d bytes exceeds Lambda's %d-byte limit", len(out), MaxResponseBytes)
		resp = errorResult(ctx, rt.log, req.RequestID, err)
		out = encode(req, resp, rt.compressMin)
	}
	rt.logRequest(ctx, req, resp.Status, start)
	return out, nil
}

// Serve routes req to its handler and returns the response, recovering
// panics and turning errors into error responses. It renders the table's
// routing decision ([route.Table.Decide]): the route's handler, the
// $default route's for what no other route matches, 204 for a CORS
// preflight, 405 with an Allow header for a known path with another
// method when the table has no $default route, else 404.
func (rt *Router) Serve(ctx context.Context, req *Request) (resp *Response) {
	defer func() {
		if p := recover(); p != nil {
			resp = panicResult(ctx, rt.log, req.RequestID, p)
		}
	}()
	d := rt.table.Decide(route.Request{Method: req.Method, Path: req.Path, RouteKey: req.RouteKey, Preflight: req.isPreflight()})
	switch d.Outcome {
	case route.Matched:
	case route.Preflight:
		return Empty(http.StatusNoContent)
	default:
		return routingResult(d, req.RequestID)
	}
	if d.Params != nil {
		req.PathParams = d.Params
	}
	resp, err := rt.handlers[d.Index](ctx, req)
	if err != nil {
		return errorResult(ctx, rt.log, req.RequestID, err)
	}
	if resp == nil {
		return errorResult(ctx, rt.log, req.RequestID, errors.New("handler returned neither a response nor an error"))
	}
	if resp.err != nil {
		return errorResult(ctx, rt.log, req.RequestID, resp.err)
	}
	if resp.Status < 100 || resp.Status > 599 {
		return errorResult(ctx, rt.log, req.RequestID, fmt.Errorf("handler returned status %d", resp.Status))
	}
	return resp
}

func (rt *Router) logRequest(ctx context.Context, req *Request, status int, start time.Time) {
	level := slog.LevelInfo
	if status >= 500 {
		level = slog.LevelError
	}
	if !rt.log.Enabled(ctx, level) {
		return
	}
	rt.log.LogAttrs(ctx, level, "request",
		slog.String("requestId", req.RequestID),
		slog.String("routeKey", req.RouteKey),
		slog.String("method", req.Method),
		slog.String("path", req.Path),
		slog.Int("status", status),
		slog.Float64("latencyMs", float64(time.Since(start).Microseconds())/1000),
	)
}
