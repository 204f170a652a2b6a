// One request through the gateway: stage, route, authorizer, invocation, response.

package local

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// request is what the gateway knows of one client request.
type request struct {
	r            *http.Request
	id           string
	start        time.Time
	stage        *Stage
	path         string // decoded, stage prefix included (2.0 rawPath)
	routePath    string // decoded, without the stage prefix
	route        *Route
	params       map[string]string
	body         []byte
	sourceIP     string
	apiID        string
	authorizer   any // requestContext.authorizer of 2.0: {"jwt": ...} or {"lambda": ...}
	authorizerV1 map[string]any
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	q := &request{r: r, id: newRequestID(), start: time.Now(), apiID: s.apiID}
	q.sourceIP, _, _ = net.SplitHostPort(r.RemoteAddr)
	if len(r.TransferEncoding) > 0 {
		// RFC 9112 §6.1: a server that gets both Transfer-Encoding and
		// Content-Length must close the connection after responding (a
		// request smuggling attempt, where a proxy in front may have read
		// the body by the other length). net/http drops the Content-Length
		// before the handler runs, so every chunked request closes its
		// connection.
		w.Header().Set("Connection", "close")
	}
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
	if len(event) > maxPayload {
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
