// Bridge: any net/http Handler served from API Gateway events, the http.Request built from the event and the response buffered.

package lambdahttp

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/aws/aws-lambda-go/events"

	"github.com/httpapi-cdk/httpapi/route"
)

// Bridge serves an [http.Handler] from API Gateway events of payload format
// 1.0 or 2.0. It implements lambda.Handler, so a function's main is:
//
//	func main() { lambda.Start(lambdahttp.NewBridge(handler, nil)) }
//
// The handler sees the request as a net/http server would show it: the
// method upper-case, the path without a named stage's prefix, the raw
// query with every repeated key, every header (payload 1.0's
// multiValueHeaders value by value), the cookies in a Cookie header, the
// Host, the body base64-decoded, and RemoteAddr as "host:port" with the
// client's IP and port 0, since API Gateway does not pass the client's
// port on ("203.0.113.9:0", "[2001:db8::1]:0"), so that
// net.SplitHostPort(r.RemoteAddr) works as behind net/http. The event
// itself is reachable from the request's context through
// [RequestFromContext], and r.PathValue returns the route's path variables.
//
// The response is buffered and sent whole when the handler returns: its
// status, headers and body, Set-Cookie headers in payload 2.0's cookies
// field (payload 1.0's multiValueHeaders), the body base64-encoded unless
// its Content-Type is text ([IsText]) and it is valid UTF-8. A missing
// Content-Type is sniffed as net/http does. A response over
// [MaxResponseBytes] once encoded, or a panic in the handler, becomes a 500
// response carrying the request id, logged as the [Router] logs it; the
// Logger of [BridgeOptions] is also the one typed routes ([HandleJSON])
// behind the Bridge log through. A Bridge never compresses: the body
// goes out as the handler wrote it.
//
// A Bridge is safe for concurrent use.
type Bridge struct {
	handler http.Handler
	log     *slog.Logger
}

// BridgeOptions configure a [Bridge].
type BridgeOptions struct {
	// Logger receives a line for each panic in the handler and each
	// response API Gateway would not accept (oversized, invalid status).
	// Default: lines on standard output at the function's application log
	// level (AWS_LAMBDA_LOG_LEVEL, INFO when unset), JSON as Lambda's JSON
	// log format expects, or text if AWS_LAMBDA_LOG_FORMAT is "Text".
	Logger *slog.Logger
}

// NewBridge returns a Bridge that serves h. opts may be nil. It panics if
// h is nil.
func NewBridge(h http.Handler, opts *BridgeOptions) *Bridge {
	if h == nil {
		panic("lambdahttp: NewBridge with a nil http.Handler")
	}
	b := &Bridge{handler: h}
	if opts != nil && opts.Logger != nil {
		b.log = opts.Logger
	} else {
		b.log = defaultLogger()
	}
	return b
}

// requestKey is the context key under which the bridge stores the event's
// *Request.
type requestKey struct{}

// RequestFromContext returns the API Gateway request that an http.Request
// served by a [Bridge] (or a [ServeMux] invoked from an event) came from:
// its request id, stage, route key, path parameters, stage variables and
// authorizer output (JWT claims and scopes, Lambda authorizer context, IAM
// identity), and the raw event in its V2 or V1 field. It reports false for
// a request that came from no event, such as one to a plain net/http
// server. Callers must not modify the Request.
func RequestFromContext(ctx context.Context) (*Request, bool) {
	r, ok := ctx.Value(requestKey{}).(*Request)
	return r, ok && r != nil
}

// Invoke implements lambda.Handler: it decodes an event of either payload
// format, serves it with the handler and encodes the response in the same
// format. It never returns an error: malformed events, panics and
// oversized responses become error responses.
func (b *Bridge) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	req, err := parseInvocation(payload)
	if err != nil {
		return encode(req, errorResult(ctx, b.log, req.RequestID, err), noCompression), nil
	}
	req.log = b.log
	return b.serve(ctx, req), nil
}

// noCompression is a compression threshold no body reaches.
const noCompression = math.MaxInt

// serve runs the handler on req and returns the encoded response.
func (b *Bridge) serve(ctx context.Context, req *Request) []byte {
	w := writers.Get().(*responseWriter)
	defer w.release()
	w.head = req.Method == http.MethodHead
	if failed := b.run(ctx, req, w); failed != nil {
		return encode(req, failed, noCompression)
	}
	resp, err := w.response()
	if err != nil {
		return encode(req, errorResult(ctx, b.log, req.RequestID, err), noCompression)
	}
	out := encode(req, resp, noCompression)
	if len(out) > MaxResponseBytes {
		err := fmt.Errorf("response of %d bytes exceeds Lambda's %d-byte limit", len(out), MaxResponseBytes)
		return encode(req, errorResult(ctx, b.log, req.RequestID, err), noCompression)
	}
	return out
}

// run calls the handler; if it panics, run returns the response to send
// instead of what it wrote.
func (b *Bridge) run(ctx context.Context, req *Request, w *responseWriter) (failed *Response) {
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler { // net/http's way to abort quietly
				failed = errorResponse(http.StatusInternalServerError, "Internal Server Error", req.RequestID)
				return
			}
			failed = panicResult(ctx, b.log, req.RequestID, p)
		}
	}()
	b.handler.ServeHTTP(w, newHTTPRequest(ctx, req))
	return nil
}

// newHTTPRequest builds the http.Request a net/http server would have built
// for the request API Gateway received, with req in its context.
func newHTTPRequest(ctx context.Context, req *Request) *http.Request {
	r := &http.Request{
		Method:     req.Method,
		URL:        &url.URL{Path: req.Path, RawQuery: req.rawQuery},
		Proto:      "HTTP/1.1",
		ProtoMajor: 1,
		ProtoMinor: 1,
		RemoteAddr: remoteAddr(req.SourceIP),
		Body:       http.NoBody,
	}
	var domain string
	if req.V2 != nil {
		r.Header = headerV2(req.V2)
		if p := req.V2.RequestContext.HTTP.Protocol; p != "" && p != r.Proto {
			setProto(r, p)
		}
		domain = req.V2.RequestContext.DomainName
	} else {
		r.Header = headerV1(req.V1)
		if p := req.V1.RequestContext.Protocol; p != "" && p != r.Proto {
			setProto(r, p)
		}
		domain = req.V1.RequestContext.DomainName
	}
	// The request context records the client's User-Agent; some events
	// (test tools') have it there only.
	if req.UserAgent != "" {
		if _, ok := r.Header["User-Agent"]; !ok {
			r.Header["User-Agent"] = []string{req.UserAgent}
		}
	}
	// As a net/http server does, the Host header becomes r.Host. A
	// malformed event may carry no value for it, or several keys for it.
	r.Host = domain
	if hosts := r.Header["Host"]; len(hosts) > 0 {
		r.Host = hosts[0]
		if len(hosts) > 1 {
			r.Host = eventHost(req, hosts[0])
		}
	}
	delete(r.Header, "Host")
	// The path as sent: 2.0's rawPath is already decoded, 1.0's path is
	// percent-encoded (URL.EscapedPath ignores a RawPath that does not
	// decode to Path).
	if req.V1 != nil {
		if raw := route.PathWithoutStage(req.V1.Path, req.Stage); raw != req.Path {
			r.URL.RawPath = raw
		}
	}
	r.RequestURI = r.URL.EscapedPath()
	if req.rawQuery != "" {
		r.RequestURI += "?" + req.rawQuery
	}
	if len(req.Body) > 0 {
		r.Body = &body{Reader: bytes.NewReader(req.Body)}
		r.ContentLength = int64(len(req.Body))
		r.GetBody = func() (io.ReadCloser, error) { return &body{Reader: bytes.NewReader(req.Body)}, nil }
	}
	for name, value := range req.PathParams {
		r.SetPathValue(name, value)
	}
	return r.WithContext(context.WithValue(ctx, requestKey{}, req))
}

// remoteAddr is the http.Request.RemoteAddr of a client at ip: "ip:0",
// host and port as a net/http server gives it, so that code calling
// net.SplitHostPort(r.RemoteAddr) works. API Gateway does not pass the
// client's port on: port 0 stands for "unknown". An empty ip stays empty.
func remoteAddr(ip string) string {
	if ip == "" {
		return ""
	}
	return net.JoinHostPort(ip, "0")
}

// eventHost returns the Host value of an event that has it under several
// keys differing in case, independent of map order: the lower-case key's,
// as API Gateway sends it, else the sorted-first key's. It returns def
// when that key has no value.
func eventHost(req *Request, def string) string {
	switch {
	case req.V2 != nil:
		if k, ok := hostKey(req.V2.Headers); ok {
			return req.V2.Headers[k]
		}
	case len(req.V1.MultiValueHeaders) > 0:
		if k, ok := hostKey(req.V1.MultiValueHeaders); ok && len(req.V1.MultiValueHeaders[k]) > 0 {
			return req.V1.MultiValueHeaders[k][0]
		}
	default:
		if k, ok := hostKey(req.V1.Headers); ok {
			return req.V1.Headers[k]
		}
	}
	return def
}

// hostKey returns "host" if m has it, else m's sorted-first key naming
// the Host header.
func hostKey[V any](m map[string]V) (string, bool) {
	if _, ok := m["host"]; ok {
		return "host", true
	}
	key, found := "", false
	for k := range m {
		if canonicalHeaderKey(k) == "Host" && (!found || k < key) {
			key, found = k, true
		}
	}
	return key, found
}

// setProto sets the protocol API Gateway reports, when it parses.
func setProto(r *http.Request, proto string) {
	if major, minor, ok := http.ParseHTTPVersion(proto); ok {
		r.Proto, r.ProtoMajor, r.ProtoMinor = proto, major, minor
	}
}

// body is a request body: a bytes.Reader with a Close method, one
// allocation instead of io.NopCloser's two.
type body struct{ *bytes.Reader }

func (*body) Close() error { return nil }

// headerV2 returns a 2.0 event's headers, and its cookies as one Cookie
// header, as net/http keys them. API Gateway joins a repeated header's
// values with commas into one value; it stays one value here.
func headerV2(ev *events.APIGatewayV2HTTPRequest) http.Header {
	n := len(ev.Headers)
	if len(ev.Cookies) > 0 {
		n++
	}
	h := make(http.Header, n)
	values := make([]string, n) // one backing array for all single values
	i := 0
	for k, v := range ev.Headers {
		ck := canonicalHeaderKey(k)
		if prev, ok := h[ck]; ok { // the same name in another case
			h[ck] = append(prev, v)
			continue
		}
		values[i] = v
		h[ck] = values[i : i+1 : i+1]
		i++
	}
	if len(ev.Cookies) > 0 {
		values[i] = strings.Join(ev.Cookies, "; ")
		h["Cookie"] = values[i : i+1 : i+1]
	}
	return h
}

// headerV1 returns a 1.0 event's headers: every value of multiValueHeaders,
// or headers when the event has no multiValueHeaders.
func headerV1(ev *events.APIGatewayProxyRequest) http.Header {
	if len(ev.MultiValueHeaders) == 0 {
		h := make(http.Header, len(ev.Headers))
		for k, v := range ev.Headers {
			ck := canonicalHeaderKey(k)
			h[ck] = append(h[ck], v)
		}
		return h
	}
	h := make(http.Header, len(ev.MultiValueHeaders))
	for k, vs := range ev.MultiValueHeaders {
		ck := canonicalHeaderKey(k)
		h[ck] = append(h[ck], vs...)
	}
	return h
}

// canonicalHeaderKey is http.CanonicalHeaderKey without its allocation for
// the lower-case names API Gateway sends most often.
func canonicalHeaderKey(k string) string {
	switch k {
	case "accept":
		return "Accept"
	case "accept-encoding":
		return "Accept-Encoding"
	case "accept-language":
		return "Accept-Language"
	case "authorization":
		return "Authorization"
	case "cache-control":
		return "Cache-Control"
	case "content-length":
		return "Content-Length"
	case "content-type":
		return "Content-Type"
	case "cookie":
		return "Cookie"
	case "host":
		return "Host"
	case "if-modified-since":
		return "If-Modified-Since"
	case "if-none-match":
		return "If-None-Match"
	case "origin":
		return "Origin"
	case "referer":
		return "Referer"
	case "user-agent":
		return "User-Agent"
	case "x-amzn-trace-id":
		return "X-Amzn-Trace-Id"
	case "x-forwarded-for":
		return "X-Forwarded-For"
	case "x-forwarded-port":
		return "X-Forwarded-Port"
	case "x-forwarded-proto":
		return "X-Forwarded-Proto"
	}
	return http.CanonicalHeaderKey(k)
}

// responseWriter buffers a handler's response. Writers are pooled: one is
// used by one request and released when its response is encoded.
type responseWriter struct {
	header http.Header
	flat   map[string]string // the headers as encode wants them
	resp   Response          // what response returns, to spare an allocation
	body   bytes.Buffer
	status int
	head   bool // HEAD request: the body is discarded, as net/http does
	over   bool // the body outgrew MaxResponseBytes and was dropped
}

var writers = sync.Pool{New: func() any { return &responseWriter{header: make(http.Header, 4), flat: make(map[string]string, 4)} }}

// maxPooledBody is the largest body buffer kept for reuse.
const maxPooledBody = 64 << 10

func (w *responseWriter) release() {
	clear(w.header)
	clear(w.flat)
	w.status, w.head, w.over = 0, false, false
	w.resp = Response{}
	if w.body.Cap() > maxPooledBody {
		w.body = bytes.Buffer{}
	}
	w.body.Reset()
	writers.Put(w)
}

// Header implements http.ResponseWriter.
func (w *responseWriter) Header() http.Header { return w.header }

// WriteHeader implements http.ResponseWriter. As with net/http, the first
// final status wins and a code outside 100-999 panics; informational (1xx)
// statuses cannot be relayed through API Gateway and are ignored.
func (w *responseWriter) WriteHeader(code int) {
	if code < 100 || code > 999 {
		panic(fmt.Sprintf("invalid WriteHeader code %v", code))
	}
	if w.status != 0 || code < 200 {
		return
	}
	w.status = code
}

// Write implements http.ResponseWriter.
func (w *responseWriter) Write(p []byte) (int, error) {
	if keep, err := w.admit(len(p)); !keep {
		return discarded(len(p), err)
	}
	return w.body.Write(p)
}

// WriteString implements io.StringWriter.
func (w *responseWriter) WriteString(s string) (int, error) {
	if keep, err := w.admit(len(s)); !keep {
		return discarded(len(s), err)
	}
	return w.body.WriteString(s)
}

// admit decides the fate of a write of n body bytes, as net/http does: it
// implies a 200 status when none was written, refuses a body for a status
// that has none, discards it silently for a HEAD request, and refuses it
// once the body would exceed Lambda's limit (no encoding of it fits:
// buffering stops, and response reports it). It reports whether to buffer
// the bytes, and otherwise the write's error, nil for a silent discard.
func (w *responseWriter) admit(n int) (keep bool, err error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	switch {
	case !bodyAllowed(w.status):
		return false, http.ErrBodyNotAllowed
	case w.head:
		return false, nil
	case w.over || w.body.Len()+n > MaxResponseBytes:
		w.over = true
		return false, errResponseTooLarge
	}
	return true, nil
}

// discarded is the result of a write of n bytes that admit did not keep.
func discarded(n int, err error) (int, error) {
	if err != nil {
		return 0, err
	}
	return n, nil
}

var errResponseTooLarge = fmt.Errorf("response body exceeds Lambda's %d-byte limit", MaxResponseBytes)

func bodyAllowed(status int) bool {
	return status >= 200 && status != http.StatusNoContent && status != http.StatusNotModified
}

// response returns what the handler wrote, as a Response for encode. It
// shares the writer's buffers, so it is valid until release.
func (w *responseWriter) response() (*Response, error) {
	if w.over {
		return nil, errResponseTooLarge
	}
	status := w.status
	if status == 0 {
		status = http.StatusOK
	}
	if status > 599 {
		return nil, fmt.Errorf("handler wrote status %d, which API Gateway does not accept", status)
	}
	body := w.body.Bytes()
	if _, ok := w.header["Content-Type"]; !ok && len(body) > 0 {
		// net/http sniffs a missing Content-Type; a nil value in the map
		// turns sniffing off, as it does there.
		w.flat["Content-Type"] = http.DetectContentType(body)
	}
	resp := &w.resp
	*resp = Response{Status: status, Headers: w.flat, Body: body}
	for k, vs := range w.header {
		switch {
		case len(vs) == 0:
		case k == "Set-Cookie":
			resp.Cookies = vs
		case len(vs) == 1:
			w.flat[k] = vs[0]
		default:
			w.flat[k] = strings.Join(vs, ", ")
		}
	}
	if len(w.flat) == 0 {
		resp.Headers = nil
	}
	return resp, nil
}
