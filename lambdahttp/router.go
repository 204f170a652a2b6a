// Package lambdahttp is a small toolkit for Go Lambda functions behind an
// API Gateway HTTP API: one [Request] view over payload formats 1.0 and 2.0,
// a [Router] that dispatches on the route table the CDK stack deploys,
// response helpers (JSON, text, binary, cookies, gzip), typed HTTP errors,
// panic recovery and one structured log line per request.
//
// [JSONRoute] and [HandleJSON] declare typed JSON routes: Go types for the
// body, path and query parameters and the answer, checked against the
// rules of their `validate` tags before the handler runs, and described
// ([Router.Operations], [ServeMux.Operations]) for the OpenAPI document
// the httpapi construct writes.
//
// A Router implements lambda.Handler, so a function's main is:
//
//	func main() { lambda.Start(app.Router()) }
//
// For net/http code, a [Bridge] serves any http.Handler from the same
// events, and a [ServeMux] routes http.Handlers on the route table the
// stack deploys, with API Gateway's precedence; the event reaches the
// handlers through [RequestFromContext].
package lambdahttp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"

	"github.com/httpapi-cdk/httpapi/mediatype"
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
	handlers    map[route.Key]HandlerFunc
	ops         map[route.Key]*openapi.Operation
	table       *route.Table
	catchAll    HandlerFunc
	log         *slog.Logger
	compressMin int
}

// NewRouter builds a router over routes. It fails on an invalid or
// duplicate route key or a nil handler.
func NewRouter(opts *Options, routes ...Route) (*Router, error) {
	rt := &Router{handlers: make(map[route.Key]HandlerFunc, len(routes)), compressMin: 1024}
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
		rt.handlers[r.Key] = r.Handler
		if r.op != nil {
			if rt.ops == nil {
				rt.ops = map[route.Key]*openapi.Operation{}
			}
			rt.ops[r.Key] = r.op
		}
		if r.Key.IsDefault() {
			rt.catchAll = r.Handler
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
		resp = rt.fail(ctx, req, err)
	} else {
		resp = rt.Serve(ctx, req)
	}
	out := encode(req, resp, rt.compressMin)
	if len(out) > MaxResponseBytes {
		err := fmt.Errorf("response of %d bytes exceeds Lambda's %d-byte limit", len(out), MaxResponseBytes)
		resp = rt.fail(ctx, req, err)
		out = encode(req, resp, rt.compressMin)
	}
	rt.logRequest(ctx, req, resp.Status, start)
	return out, nil
}

// isV2 reports whether an event decoded as 2.0 is one: its version says so,
// or, with no version (some test tools omit it), it has 2.0's fields
// (docs/api-gateway-behavior.md R-KIT-1).
func isV2(ev *events.APIGatewayV2HTTPRequest) bool {
	switch ev.Version {
	case "2.0":
		return true
	case "":
		return ev.RawPath != "" || ev.RequestContext.HTTP.Method != ""
	}
	return false
}

// Serve routes req to its handler and returns the response, recovering
// panics and turning errors into error responses.
func (rt *Router) Serve(ctx context.Context, req *Request) (resp *Response) {
	defer func() {
		if p := recover(); p != nil {
			rt.log.LogAttrs(ctx, slog.LevelError, "panic", slog.String("requestId", req.RequestID),
				slog.Any("panic", p), slog.String("stack", string(debug.Stack())))
			resp = errorResponse(http.StatusInternalServerError, "Internal Server Error", req.RequestID)
		}
	}()
	if isPreflight(req) {
		// A CORS preflight that reached the function (through ANY, $default,
		// or an OPTIONS route the construct added so that preflights pass an
		// authorizer): answer it unless the table has an OPTIONS route of its
		// own for the path. API Gateway adds the configured CORS headers
		// (docs/api-gateway-behavior.md R-KIT-4).
		if m, ok := rt.table.Match(http.MethodOptions, req.Path); !ok || m.Key.Method != http.MethodOptions {
			if ok || len(rt.table.Allowed(req.Path)) > 0 {
				return Empty(http.StatusNoContent)
			}
		}
	}
	h, params, allowed := rt.dispatch(req)
	if h == nil {
		if len(allowed) > 0 {
			resp = errorResponse(http.StatusMethodNotAllowed, "Method Not Allowed", req.RequestID)
			return resp.SetHeader("Allow", allowHeader(allowed))
		}
		return errorResponse(http.StatusNotFound, "Not Found", req.RequestID)
	}
	if params != nil {
		req.PathParams = params
	}
	resp, err := h(ctx, req)
	if err != nil {
		return rt.fail(ctx, req, err)
	}
	if resp == nil {
		return rt.fail(ctx, req, errors.New("handler returned neither a response nor an error"))
	}
	if resp.Status < 100 || resp.Status > 599 {
		return rt.fail(ctx, req, fmt.Errorf("handler returned status %d", resp.Status))
	}
	return resp
}

// dispatch finds the handler: by the event's route key when API Gateway
// matched a route of the table, else by path matching (the $default route
// receives whatever matched no other route). It returns a nil handler for
// an unknown path, and for a known path with another method; then allowed
// lists the path's methods (empty for an unknown path). See
// docs/api-gateway-behavior.md R-KIT-2 and R-KIT-3.
func (rt *Router) dispatch(req *Request) (h HandlerFunc, params map[string]string, allowed []string) {
	if req.RouteKey != "" && req.RouteKey != route.DefaultKey {
		if method, path, ok := strings.Cut(req.RouteKey, " "); ok {
			if h, ok := rt.handlers[route.Key{Method: method, Path: path}]; ok {
				return h, nil, nil
			}
		}
	}
	m, ok := rt.table.Match(req.Method, req.Path)
	if ok && !m.Key.IsDefault() {
		return rt.handlers[m.Key], m.Params, nil
	}
	// Nothing but $default, or nothing at all: a 405 beats the catch-all.
	if allowed = rt.table.Allowed(req.Path); len(allowed) > 0 || !ok {
		return nil, nil, allowed
	}
	return rt.catchAll, nil, nil
}

// isPreflight reports whether req is a browser's CORS preflight request.
func isPreflight(req *Request) bool {
	return req.Method == http.MethodOptions && req.Header("origin") != "" && req.Header("access-control-request-method") != ""
}

// allowAny is the Allow header of a path that has an ANY route.
var allowAny = strings.Join(route.HTTPMethods(), ", ")

func allowHeader(methods []string) string {
	if slices.Contains(methods, "ANY") {
		return allowAny
	}
	return strings.Join(methods, ", ")
}

// asError finds an *Error in err's chain. It is errors.As for one type,
// without the reflection errors.As links into every function binary.
func asError(err error) *Error {
	for err != nil {
		if he, ok := err.(*Error); ok {
			return he
		}
		err = errors.Unwrap(err)
	}
	return nil
}

// fail turns err into an error response and logs it.
func (rt *Router) fail(ctx context.Context, req *Request, err error) *Response {
	id := ""
	if req != nil {
		id = req.RequestID
	}
	if he := asError(err); he != nil && he.Status >= 400 && he.Status <= 599 {
		if he.Status >= 500 {
			rt.log.LogAttrs(ctx, slog.LevelError, "handler error", slog.String("requestId", id), slog.String("error", err.Error()))
		}
		return fieldErrorResponse(he.Status, he.Message, he.Field, id)
	}
	rt.log.LogAttrs(ctx, slog.LevelError, "handler error", slog.String("requestId", id), slog.String("error", err.Error()))
	return errorResponse(http.StatusInternalServerError, "Internal Server Error", id)
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

// encode renders resp in req's payload format, compressing and
// base64-encoding the body as needed (docs/api-gateway-behavior.md R-KIT-6, R-KIT-8).
func encode(req *Request, resp *Response, compressMin int) []byte {
	body := resp.Body
	headers := resp.Headers
	contentType, _ := resp.header("Content-Type")
	_, encoded := resp.header("Content-Encoding")
	gz := !encoded && len(body) >= compressMin && req.headers != nil &&
		compressible(contentType) && acceptsGzip(req.Header("accept-encoding"))
	if gz {
		body = gzipBody(body)
		headers = make(map[string]string, len(resp.Headers)+2)
		for k, v := range resp.Headers {
			headers[k] = v
		}
		headers["Content-Encoding"] = "gzip"
		headers["Vary"] = "Accept-Encoding"
	}
	// Text travels as a JSON string, which must be UTF-8: text in another
	// charset goes base64-encoded like binary.
	b64 := len(body) > 0 && (gz || !mediatype.ResponseIsText(contentType) || !utf8.Valid(body))
	var s string
	if b64 {
		s = base64Std.EncodeToString(body)
	} else {
		s = string(body)
	}
	var out []byte
	if req.Version == "1.0" {
		r := events.APIGatewayProxyResponse{StatusCode: resp.Status, Headers: headers, Body: s, IsBase64Encoded: b64}
		if len(resp.Cookies) > 0 {
			r.MultiValueHeaders = map[string][]string{"Set-Cookie": resp.Cookies}
		}
		out, _ = json.Marshal(&r)
	} else {
		r := events.APIGatewayV2HTTPResponse{StatusCode: resp.Status, Headers: headers, Cookies: resp.Cookies, Body: s, IsBase64Encoded: b64}
		out, _ = json.Marshal(&r)
	}
	return out
}
