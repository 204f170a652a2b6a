package local

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/httpapi-cdk/httpapi/internal/affinity"
	"github.com/httpapi-cdk/httpapi/quota"
	"github.com/httpapi-cdk/httpapi/route"
)

// MaxRequestBytes is the HTTP API payload quota, [quota.RequestBytes].
const MaxRequestBytes = quota.RequestBytes

// Options configure a [Server].
type Options struct {
	// Concurrency is the most processes run at once per function.
	// Default: 4.
	Concurrency int
	// Stages limits the stages served, by name. Default: every stage.
	Stages []string
	// Log receives the emulator's messages and the functions' output.
	// Default: os.Stderr.
	Log io.Writer
	// AccessLog receives one line per request in the stage's access log
	// format. Default: os.Stdout.
	AccessLog io.Writer
	// BuildDir is where functions are built for this machine.
	// Default: a temporary directory removed by Close.
	BuildDir string
	// JWTKeys, when set, verifies the signature of every token a JWT
	// authorizer sees against these keys, as API Gateway does against the
	// issuer's jwks_uri: an RSA algorithm, a kid naming one of the keys, a
	// valid signature. Default: signatures are not verified (the issuer's
	// keys are not fetched); claims and scopes are checked either way.
	JWTKeys *KeySet
	// FunctionCPUs confines every function process to these CPUs, by
	// number, from its first instruction on. Giving the functions CPUs of
	// their own, and the gateway the others, keeps each side's caches warm:
	// cmd/local does so by default. Linux only. Default: no confinement.
	FunctionCPUs []int
}

// Server serves one HTTP API. It is an http.Handler.
type Server struct {
	api       *API
	table     *route.Table
	routes    map[route.Key]*Route
	stages    map[string]*Stage
	pools     map[string]*pool
	log       io.Writer
	accessLog io.Writer
	logMu     sync.Mutex
	buildDir  string
	ownsDir   bool
	apiID     string
	authCache authCache
	jwtKeys   *KeySet
}

// New builds the API's functions for this machine and returns a server
// for it. Function processes start on first use and stay warm.
func New(ctx context.Context, api *API, opts *Options) (*Server, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 4
	}
	if o.Log == nil {
		o.Log = os.Stderr
	}
	if o.AccessLog == nil {
		o.AccessLog = os.Stdout
	}
	if len(o.FunctionCPUs) > 0 {
		if err := checkCPUs(o.FunctionCPUs); err != nil {
			return nil, fmt.Errorf("Options.FunctionCPUs: %w", err)
		}
	}
	s := &Server{api: api, routes: map[route.Key]*Route{}, stages: map[string]*Stage{}, pools: map[string]*pool{},
		log: o.Log, accessLog: o.AccessLog, buildDir: o.BuildDir, apiID: apiID(api.LogicalID), jwtKeys: o.JWTKeys}
	keys := make([]route.Key, 0, len(api.Routes))
	for i := range api.Routes {
		r := &api.Routes[i]
		s.routes[r.Key] = r
		keys = append(keys, r.Key)
	}
	t, err := route.NewTable(keys)
	if err != nil {
		return nil, err
	}
	s.table = t
	for i := range api.Stages {
		st := &api.Stages[i]
		if len(o.Stages) == 0 || slices.Contains(o.Stages, st.Name) {
			s.stages[st.Name] = st
		}
	}
	for _, name := range o.Stages {
		if s.stages[name] == nil {
			return nil, fmt.Errorf("stage %q is not a stage of %s", name, api.LogicalID)
		}
	}
	if s.buildDir == "" {
		dir, err := os.MkdirTemp("", "httpapi-local-")
		if err != nil {
			return nil, err
		}
		s.buildDir, s.ownsDir = dir, true
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var errs []error
	for id, fn := range api.Functions {
		wg.Add(1)
		go func() {
			defer wg.Done()
			bin, err := build(ctx, fn, s.buildDir)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
				return
			}
			s.pools[id] = newPool(fn, bin, o.Concurrency, o.Log, o.FunctionCPUs)
		}()
	}
	wg.Wait()
	if len(errs) > 0 {
		s.Close()
		return nil, errors.Join(errs...)
	}
	return s, nil
}

// checkCPUs reports an error unless this process may run on every CPU of
// cpus.
func checkCPUs(cpus []int) error {
	allowed, err := affinity.Allowed()
	if err != nil {
		return err
	}
	for _, cpu := range cpus {
		if !slices.Contains(allowed, cpu) {
			return fmt.Errorf("CPU %d is not one this process may run on (allowed: %v)", cpu, allowed)
		}
	}
	return nil
}

// Close stops every function process and removes the build directory.
func (s *Server) Close() error {
	for _, p := range s.pools {
		p.close()
	}
	if s.ownsDir {
		return os.RemoveAll(s.buildDir)
	}
	return nil
}

// apiID derives a stable 10-character API id from a logical id.
func apiID(logicalID string) string {
	var h uint64 = 14695981039346656037
	for i := 0; i < len(logicalID); i++ {
		h ^= uint64(logicalID[i])
		h *= 1099511628211
	}
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, 10)
	for i := range b {
		b[i] = alphabet[h%36]
		h /= 36
	}
	return string(b)
}

// newRequestID returns an id shaped like API Gateway's: 16 characters.
func newRequestID() string {
	b := make([]byte, 12)
	randRead(b)
	return base64.RawURLEncoding.EncodeToString(b)[:15] + "="
}

// response is what the gateway sends back.
type response struct {
	status             int
	header             http.Header
	body               []byte
	errMsg             string // $context.integrationErrorMessage
	authErr            string // $context.authorizer.error
	integrationLatency time.Duration
}

func gatewayError(status int, message string) *response {
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	return &response{status: status, header: h, body: []byte(`{"message":"` + message + `"}`)}
}

// The gateway's own responses, byte for byte as API Gateway sends them.
func notFound() *response           { return gatewayError(404, "Not Found") }
func internalError() *response      { return gatewayError(500, "Internal Server Error") }
func serviceUnavailable() *response { return gatewayError(503, "Service Unavailable") }
func tooLarge() *response           { return gatewayError(413, "Request Entity Too Large") }
func unauthorized() *response       { return gatewayError(401, "Unauthorized") }
func forbidden() *response          { return gatewayError(403, "Forbidden") }

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	q := &request{r: r, id: newRequestID(), start: time.Now(), apiID: s.apiID}
	q.sourceIP, _, _ = net.SplitHostPort(r.RemoteAddr)
	resp := s.serve(q)
	s.write(w, q, resp)
	s.logAccess(q, resp)
}

func (s *Server) serve(q *request) *response {
	r := q.r
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxRequestBytes+1))
	if err != nil {
		return gatewayError(400, "Bad Request")
	}
	if len(body) > MaxRequestBytes {
		return tooLarge()
	}
	q.body = body

	// Stage first: a named stage is the first path segment, else $default.
	path := r.URL.Path
	first, rest, _ := strings.Cut(strings.TrimPrefix(path, "/"), "/")
	routePath := path
	if st, ok := s.stages[first]; ok && first != "$default" {
		q.stage = st
		routePath = "/" + rest
	} else if st, ok := s.stages["$default"]; ok {
		q.stage = st
	} else {
		return notFound()
	}
	q.path, q.routePath = path, routePath

	m, ok := s.table.Match(r.Method, routePath)
	if !ok {
		if s.api.Cors != nil && isPreflight(r) {
			return s.preflight(q)
		}
		return notFound()
	}
	q.route = s.routes[m.Key]
	q.params = m.Params
	if q.route.Unsupported != "" {
		fmt.Fprintf(s.log, "local: %s: %s\n", q.route.Key, q.route.Unsupported)
		resp := internalError()
		resp.errMsg = q.route.Unsupported
		return resp
	}
	if a := q.route.Authorizer; a != nil {
		if resp := s.authorize(q, a); resp != nil {
			return resp
		}
	}

	var event []byte
	if q.route.PayloadFormat == "1.0" {
		event, err = json.Marshal(q.v1())
	} else {
		event, err = json.Marshal(q.v2())
	}
	if err != nil {
		return internalError()
	}
	if len(event) > quota.PayloadBytes {
		resp := tooLarge()
		resp.errMsg = "the event exceeds Lambda's 6 MB invocation payload limit"
		return resp
	}
	invoked := time.Now()
	res, ok := s.pools[q.route.Function].invoke(event, q.start.Add(q.route.Timeout))
	latency := time.Since(invoked)
	if !ok {
		resp := serviceUnavailable()
		resp.errMsg = fmt.Sprintf("the integration did not answer within %s", q.route.Timeout)
		resp.integrationLatency = latency
		return resp
	}
	var resp *response
	valid := true
	switch {
	case res.outcome != outcomeOK:
		fmt.Fprintf(s.log, "local: %s %s: %s\n", q.id, q.route.Key, res.detail)
		resp = internalError()
		resp.errMsg = res.detail
	case q.route.PayloadFormat == "1.0":
		resp, valid = mapV1(res.payload)
	default:
		resp, valid = mapV2(res.payload)
	}
	if !valid {
		resp = internalError()
		resp.errMsg = "The Lambda function returned an invalid response"
		fmt.Fprintf(s.log, "local: %s %s: malformed Lambda proxy response: %.200s\n", q.id, q.route.Key, res.payload)
	}
	resp.integrationLatency = latency
	return resp
}

// mapV2 turns a 2.0 function result into the HTTP response. It reports
// false for a result API Gateway rejects (it answers 500).
func mapV2(payload []byte) (*response, bool) {
	var v any
	if err := json.Unmarshal(payload, &v); err != nil {
		// Not JSON: AWS passes it through as the inferred body unchecked
		// (HTTPAPI-BEHAVIOR.md R24).
		h := http.Header{}
		h.Set("Content-Type", "application/json")
		return &response{status: 200, header: h, body: payload}, true
	}
	obj, isObj := v.(map[string]any)
	if _, hasStatus := obj["statusCode"]; !isObj || !hasStatus {
		// No statusCode: API Gateway infers a 200 JSON response whose body
		// is the result as returned, a JSON string unwrapped.
		h := http.Header{}
		h.Set("Content-Type", "application/json")
		body := payload
		if str, ok := v.(string); ok {
			body = []byte(str)
		}
		return &response{status: 200, header: h, body: body}, true
	}
	resp, ok := mapCommon(obj)
	if !ok {
		return nil, false
	}
	if c, present := obj["cookies"]; present && c != nil {
		list, ok := c.([]any)
		if !ok {
			return nil, false
		}
		var cookies []string
		for _, e := range list {
			s, ok := e.(string)
			if !ok {
				return nil, false
			}
			cookies = append(cookies, s)
		}
		// The cookies field's entries come first, then any Set-Cookie header.
		resp.header["Set-Cookie"] = append(cookies, resp.header["Set-Cookie"]...)
	}
	return resp, true
}

// mapV1 turns a 1.0 function result into the HTTP response: it must be an
// object with statusCode; headers and multiValueHeaders are merged. It
// reports false for a result API Gateway rejects.
func mapV1(payload []byte) (*response, bool) {
	var obj map[string]any
	if err := json.Unmarshal(payload, &obj); err != nil || obj == nil {
		return nil, false
	}
	if _, ok := obj["statusCode"]; !ok {
		return nil, false
	}
	resp, ok := mapCommon(obj)
	if !ok {
		return nil, false
	}
	if mv, present := obj["multiValueHeaders"]; present && mv != nil {
		m, ok := mv.(map[string]any)
		if !ok {
			return nil, false
		}
		for name, vals := range m {
			list, ok := vals.([]any)
			if !ok {
				return nil, false
			}
			canon := http.CanonicalHeaderKey(name)
			if reservedResponseHeader(canon) {
				continue
			}
			for _, e := range list {
				s, ok := e.(string)
				if !ok {
					return nil, false
				}
				if !slices.Contains(resp.header[canon], s) { // the same value in both maps is sent once
					resp.header[canon] = append(resp.header[canon], s)
				}
			}
		}
	}
	return resp, true
}

// mapCommon reads statusCode, headers, body and isBase64Encoded. It
// reports false for anything API Gateway rejects with a 500.
func mapCommon(obj map[string]any) (*response, bool) {
	code, ok := obj["statusCode"].(float64)
	if !ok || code != math.Trunc(code) || code < 100 || code > 599 {
		return nil, false
	}
	resp := &response{status: int(code), header: http.Header{}}
	if hv, present := obj["headers"]; present && hv != nil {
		m, ok := hv.(map[string]any)
		if !ok {
			return nil, false
		}
		for name, val := range m {
			s, ok := val.(string)
			if !ok {
				return nil, false // an array or number value makes the response invalid
			}
			canon := http.CanonicalHeaderKey(name)
			if !reservedResponseHeader(canon) {
				resp.header[canon] = append(resp.header[canon], s)
			}
		}
	}
	var body string
	if bv, present := obj["body"]; present && bv != nil {
		s, ok := bv.(string)
		if !ok {
			return nil, false
		}
		body = s
	}
	b64, _ := obj["isBase64Encoded"].(bool)
	if b64 {
		raw, err := base64.StdEncoding.DecodeString(body)
		if err != nil {
			return nil, false
		}
		resp.body = raw
	} else {
		resp.body = []byte(body)
	}
	if resp.header.Get("Content-Type") == "" {
		resp.header.Set("Content-Type", "text/plain; charset=utf-8")
	}
	return resp, true
}

// reservedResponseHeader reports headers API Gateway computes itself.
func reservedResponseHeader(canon string) bool {
	switch canon {
	case "Content-Length", "Connection", "Transfer-Encoding":
		return true
	}
	return false
}

// preflight is API Gateway's automatic answer to a CORS preflight request
// that no route takes.
func (s *Server) preflight(q *request) *response {
	c := s.api.Cors
	resp := &response{status: 204, header: http.Header{}}
	origin := q.r.Header.Get("Origin")
	allowed := allowedOrigin(c, origin)
	if allowed == "" {
		return resp
	}
	h := resp.header
	h.Set("Access-Control-Allow-Origin", allowed)
	setPreflightHeaders(c, h)
	if c.AllowCredentials {
		h.Set("Access-Control-Allow-Credentials", "true")
	}
	return resp
}

// allowedOrigin returns the Access-Control-Allow-Origin value for origin,
// or "" when it is not allowed.
func allowedOrigin(c *Cors, origin string) string {
	if origin == "" {
		return ""
	}
	for _, o := range c.AllowOrigins {
		if o == "*" {
			return "*"
		}
		if strings.EqualFold(o, origin) {
			return origin
		}
	}
	return ""
}

// applyCors replaces the function's CORS headers by the configured ones.
func (s *Server) applyCors(q *request, h http.Header) {
	c := s.api.Cors
	if c == nil {
		return
	}
	for name := range h {
		if strings.HasPrefix(name, "Access-Control-") {
			delete(h, name)
		}
	}
	allowed := allowedOrigin(c, q.r.Header.Get("Origin"))
	if allowed == "" {
		return
	}
	h.Set("Access-Control-Allow-Origin", allowed)
	if c.AllowCredentials {
		h.Set("Access-Control-Allow-Credentials", "true")
	}
	if len(c.ExposeHeaders) > 0 {
		h.Set("Access-Control-Expose-Headers", strings.Join(c.ExposeHeaders, ","))
	}
	if isPreflight(q.r) { // a preflight a route delivered to the function
		setPreflightHeaders(c, h)
	}
}

func isPreflight(r *http.Request) bool {
	return r.Method == http.MethodOptions && r.Header.Get("Origin") != "" && r.Header.Get("Access-Control-Request-Method") != ""
}

func setPreflightHeaders(c *Cors, h http.Header) {
	if len(c.AllowMethods) > 0 {
		h.Set("Access-Control-Allow-Methods", strings.Join(c.AllowMethods, ","))
	}
	if len(c.AllowHeaders) > 0 {
		h.Set("Access-Control-Allow-Headers", strings.Join(c.AllowHeaders, ","))
	}
	if c.MaxAge >= 0 {
		h.Set("Access-Control-Max-Age", strconv.Itoa(c.MaxAge))
	}
}

func (s *Server) write(w http.ResponseWriter, q *request, resp *response) {
	h := w.Header()
	for name, vs := range resp.header {
		h[name] = vs
	}
	if !(q.r.Method == http.MethodOptions && resp.status == 204 && q.route == nil) {
		s.applyCors(q, h)
	}
	h.Set("Apigw-Requestid", q.id)
	h.Set("Content-Length", strconv.Itoa(len(resp.body)))
	w.WriteHeader(resp.status)
	if q.r.Method != http.MethodHead {
		w.Write(resp.body)
	}
}

// logAccess writes the access log line in the stage's format.
func (s *Server) logAccess(q *request, resp *response) {
	format := defaultAccessLog
	if q.stage != nil && q.stage.accessLog != nil {
		format = q.stage.accessLog
	}
	b := make([]byte, 0, 512)
	for _, seg := range format {
		if seg.variable == "" {
			b = append(b, seg.text...)
			continue
		}
		b = appendJSONEscaped(b, s.contextValue(seg.variable, q, resp))
	}
	b = append(b, '\n')
	s.logMu.Lock()
	s.accessLog.Write(b)
	s.logMu.Unlock()
}

// contextValue returns the value of a $context variable for the access log;
// "-" for one without a value or not emulated.
func (s *Server) contextValue(name string, q *request, resp *response) string {
	v := ""
	switch name {
	case "requestId", "extendedRequestId":
		v = q.id
	case "identity.sourceIp":
		v = q.sourceIP
	case "identity.userAgent":
		v = q.r.UserAgent()
	case "requestTime":
		v = clfTime(q.start)
	case "requestTimeEpoch":
		v = strconv.FormatInt(q.start.UnixMilli(), 10)
	case "httpMethod":
		v = q.r.Method
	case "path":
		v = q.r.URL.Path
	case "routeKey":
		if q.route != nil {
			v = q.route.Key.String()
		}
	case "stage":
		if q.stage != nil {
			v = q.stage.Name
		}
	case "status":
		v = strconv.Itoa(resp.status)
	case "protocol":
		v = q.r.Proto
	case "responseLength":
		v = strconv.Itoa(len(resp.body))
	case "responseLatency":
		v = strconv.FormatInt(time.Since(q.start).Milliseconds(), 10)
	case "integrationLatency":
		v = latencyMs(resp.integrationLatency)
	case "integrationErrorMessage":
		v = resp.errMsg
	case "authorizer.error":
		v = resp.authErr
	case "apiId":
		v = s.apiID
	case "domainName":
		v = q.r.Host
	}
	if v == "" {
		return "-"
	}
	return v
}

// logSegment is a literal run of an access log format or a $context variable.
type logSegment struct {
	text     string
	variable string
}

var defaultAccessLog = parseAccessLogFormat(`{"requestId":"$context.requestId","routeKey":"$context.routeKey","status":"$context.status"}`)

// parseAccessLogFormat splits a format into literals and $context.name
// variables, once per stage.
func parseAccessLogFormat(format string) []logSegment {
	var segs []logSegment
	for {
		i := strings.Index(format, "$context.")
		if i < 0 {
			return append(segs, logSegment{text: format})
		}
		segs = append(segs, logSegment{text: format[:i]})
		rest := format[i+len("$context."):]
		j := 0
		for j < len(rest) && (rest[j] == '.' || rest[j] == '_' || rest[j] >= 'a' && rest[j] <= 'z' || rest[j] >= 'A' && rest[j] <= 'Z' || rest[j] >= '0' && rest[j] <= '9') {
			j++
		}
		name := strings.TrimSuffix(rest[:j], ".")
		segs = append(segs, logSegment{variable: name})
		format = rest[len(name):]
	}
}

// appendJSONEscaped appends s escaped for the inside of a JSON string.
func appendJSONEscaped(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c < 0x20:
			b = append(b, fmt.Sprintf("\\u%04x", c)...)
		default:
			b = append(b, c)
		}
	}
	return b
}

func latencyMs(d time.Duration) string {
	if d == 0 {
		return ""
	}
	return strconv.FormatInt(d.Milliseconds(), 10)
}
