// One event without a server: what the gateway would send a route's function for a request.

package local

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/httpapi-cdk/httpapi/proxyevent"
	"github.com/httpapi-cdk/httpapi/quota"
	"github.com/httpapi-cdk/httpapi/route"
)

// RequestEvent returns the event the emulator sends the integration of
// the route r takes on the API, and that route, as [Server.ServeHTTP]
// builds it: the stage of r's path (a named stage's prefix, else
// $default), the route API Gateway selects, its path parameters, and the
// route's payload format unless format ("2.0" or "1.0") overrides it. The
// route's authorizer is not run: the event carries no identity. A request
// API Gateway would refuse for its size (R-ERR-4, R-ERR-5, R-ERR-7) is an
// error, as is one no stage or route takes. A request
// without a Host gets the API's execute-api host, one without a
// RemoteAddr the source IP 127.0.0.1. RequestEvent reads r's body.
func (a *API) RequestEvent(r *http.Request, format string) ([]byte, *Route, error) {
	c, err := newConfig(a, &Options{})
	if err != nil {
		return nil, nil, err
	}
	if n := requestHeadBytes(r); n > quota.RequestLineAndHeadersBytes { // R-ERR-7
		return nil, nil, fmt.Errorf("%s %s: the request line and headers are %d bytes, over API Gateway's %d (it answers 413)", r.Method, r.URL.Path, n, quota.RequestLineAndHeadersBytes)
	}
	var body []byte
	if r.Body != nil {
		if body, err = io.ReadAll(io.LimitReader(r.Body, MaxRequestBytes+1)); err != nil {
			return nil, nil, err
		}
		if len(body) > MaxRequestBytes { // R-ERR-4
			return nil, nil, fmt.Errorf("%s %s: the body is over API Gateway's %d-byte limit (it answers 413)", r.Method, r.URL.Path, MaxRequestBytes)
		}
	}
	if r.Host == "" {
		withHost := *r
		withHost.Host = c.apiID + ".execute-api." + c.region + ".amazonaws.com"
		r = &withHost
	}
	ev := proxyevent.Request{HTTP: r, Body: body, ID: proxyevent.NewRequestID(), Time: time.Now(), APIID: c.apiID, Region: c.region, SourceIP: "127.0.0.1"}
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		ev.SourceIP = host
	}
	stage, routePath, ok := c.stageOf(r.URL.Path)
	if !ok {
		return nil, nil, fmt.Errorf("%s %s: no stage of %s serves this path (API Gateway answers 404)", r.Method, r.URL.Path, qualifiedName(a))
	}
	ev.Stage, ev.StageVariables = stage.Name, stage.Variables
	d := c.table.Gateway(r.Method, routePath, false)
	if d.Outcome != route.Matched {
		return nil, nil, fmt.Errorf("%s %s: no route of %s matches (API Gateway answers 404); its routes: %s", r.Method, r.URL.Path, qualifiedName(a), routeList(a))
	}
	rt := c.routes[d.Key]
	ev.Route, ev.PathParameters = d.Key, d.Params
	if format == "" {
		format = rt.PayloadFormat
	}
	event, err := ev.Event(format)
	if err != nil {
		return nil, nil, err
	}
	if len(event) > quota.PayloadBytes { // R-ERR-5
		return nil, nil, fmt.Errorf("%s %s: the event is %d bytes, over Lambda's %d-byte invocation payload limit (API Gateway answers 413)", r.Method, r.URL.Path, len(event), quota.PayloadBytes)
	}
	return event, rt, nil
}

// routeList lists the API's route keys, comma-separated.
func routeList(a *API) string {
	keys := make([]string, len(a.Routes))
	for i, r := range a.Routes {
		keys[i] = r.Key.String()
	}
	return strings.Join(keys, ", ")
}
