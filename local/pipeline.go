// One request through the gateway: stage, route, authorizer, invocation, response.

package local

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/httpapi-cdk/httpapi/proxyevent"
	"github.com/httpapi-cdk/httpapi/quota"
	"github.com/httpapi-cdk/httpapi/route"
)

// request is what the gateway knows of one client request: what its event
// is made of, and the stage and route it takes.
type request struct {
	r         *http.Request
	cfg       *config // what the server served when the request came
	ev        proxyevent.Request
	stage     *Stage
	routePath string // decoded, without the stage prefix
	route     *Route
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c := s.acquire()
	defer c.release()
	q := &request{r: r, cfg: c, ev: proxyevent.Request{HTTP: r, ID: proxyevent.NewRequestID(), Time: time.Now(), APIID: c.apiID, Region: c.region}}
	q.ev.SourceIP, _, _ = net.SplitHostPort(r.RemoteAddr)
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
	if resp.authErr != "" {
		// The reason the client is not told, where the developer looks.
		fmt.Fprintf(s.log, "local: %s %s %s: %d: %s\n", q.ev.ID, r.Method, r.URL.Path, resp.status, resp.authErr)
	}
	s.write(w, q, resp)
	s.logAccess(q, resp)
}

func (s *Server) serve(q *request) *response {
	r, c := q.r, q.cfg
	if requestHeadBytes(r) > quota.RequestLineAndHeadersBytes { // docs/api-gateway-behavior.md R-ERR-7
		return tooLarge()
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxRequestBytes+1))
	if err != nil {
		return gatewayError(400)
	}
	if len(body) > MaxRequestBytes { // docs/api-gateway-behavior.md R-ERR-4
		return tooLarge()
	}
	q.ev.Body = body

	// Stage first; routes match the path without a named stage's prefix.
	st, routePath, ok := c.stageOf(r.URL.Path)
	if !ok {
		return notFound()
	}
	q.stage = st
	q.ev.Stage, q.ev.StageVariables, q.routePath = q.stage.Name, q.stage.Variables, routePath

	switch d := c.table.Gateway(r.Method, routePath, c.api.Cors != nil && isPreflight(r)); d.Outcome {
	case route.Preflight:
		return s.preflight(q)
	case route.Matched:
		q.route = c.routes[d.Key]
		q.ev.Route, q.ev.PathParameters = d.Key, d.Params
	default:
		return notFound() // R-RTE-8
	}
	if s.throttled(q) { // R-THR-1, R-THR-2
		return tooManyRequests()
	}
	if q.route.Unsupported != "" {
		fmt.Fprintf(s.log, "local: %s: %s\n", q.route.Key, q.route.Unsupported)
		resp := internalError()
		resp.errMsg = q.route.Unsupported
		return resp
	}
	if q.route.AuthorizationType == "AWS_IAM" { // R-AUTH-14
		if resp := s.authorizeIAM(q); resp != nil {
			return resp
		}
	}
	if a := q.route.Authorizer; a != nil {
		if resp := s.authorize(q, a); resp != nil {
			return resp
		}
	}

	event, err := q.ev.Event(q.route.PayloadFormat)
	if err != nil {
		return internalError()
	}
	if len(event) > quota.PayloadBytes { // R-ERR-5
		resp := tooLarge()
		resp.errMsg = "the event exceeds Lambda's 6 MB invocation payload limit"
		return resp
	}
	invoked := time.Now()
	res, ok := c.function(q.route.Function).invoke(event, q.ev.Time.Add(q.route.Timeout))
	latency := time.Since(invoked)
	if !ok { // R-ERR-3
		resp := serviceUnavailable()
		resp.errMsg = fmt.Sprintf("the integration did not answer within %s", q.route.Timeout)
		resp.integrationLatency = latency
		return resp
	}
	var resp *response
	if res.outcome != outcomeOK { // R-ERR-1, R-ERR-2
		fmt.Fprintf(s.log, "local: %s %s: %s\n", q.ev.ID, q.route.Key, res.detail)
		resp = internalError()
		resp.errMsg = res.detail
	} else if mapped, err := proxyevent.ParseResult(q.route.PayloadFormat, res.payload); err != nil {
		resp = internalError()
		resp.errMsg = "The Lambda function returned an invalid response"
		fmt.Fprintf(s.log, "local: %s %s: malformed Lambda proxy response (%v): %.200s\n", q.ev.ID, q.route.Key, err, res.payload)
	} else {
		resp = &response{status: mapped.StatusCode, header: mapped.Header, body: mapped.Body}
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
	h.Set("Apigw-Requestid", q.ev.ID) // R-RES-9, R-EV2-11
	h.Set("Content-Length", strconv.Itoa(len(resp.body)))
	w.WriteHeader(resp.status)
	if q.r.Method != http.MethodHead {
		w.Write(resp.body)
	}
}
