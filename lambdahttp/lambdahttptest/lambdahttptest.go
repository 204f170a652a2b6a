// Package lambdahttptest tests Lambda handlers behind an API Gateway HTTP
// API, in the spirit of net/http/httptest: a [Gateway] turns an
// *http.Request into the event API Gateway would send a function, invokes
// a lambda.Handler with it, and turns the function's result into the
// *http.Response the client would get.
//
// The event is built by package proxyevent, the same code that builds the
// local emulator's events (package local, cmd/local), so a handler sees the
// same event in a unit test as behind the emulator: route key and path
// parameters of the route the table matches, the stage and its prefix,
// lower-case headers, cookies, the raw and the parsed query, the body as
// text or base64 by its content type, and the authorizer's identity.
//
//	gw := &lambdahttptest.Gateway{Handler: app.Router(nil)}
//	resp, err := gw.Do(httptest.NewRequest("GET", "/hello/ann?lang=en", nil))
//
// To test a whole API as deployed (its stages, CORS and authorizers read
// from the synthesized template) use package local instead.
package lambdahttptest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/httpapi-cdk/httpapi/lambdahttp"
	"github.com/httpapi-cdk/httpapi/proxyevent"
	"github.com/httpapi-cdk/httpapi/quota"
	"github.com/httpapi-cdk/httpapi/route"
)

// APIID is the API id the events carry (requestContext.apiId).
const APIID = "a1b2c3d4e5"

// Gateway stands in for API Gateway in front of one function. Its zero
// value, with a Handler, is an API on the $default stage whose routes are
// the handler's own (see Routes), integrated with payload format 2.0.
// A Gateway is safe for concurrent use if its fields are not changed.
type Gateway struct {
	// Handler is the function Do invokes. A *lambdahttp.Router is one; a
	// handler function taking and returning aws-lambda-go events becomes one
	// with lambda.NewHandler. Event and Request need none.
	Handler lambda.Handler

	// PayloadFormat is the integration's payload format: "2.0" or "1.0".
	// Default: "2.0".
	PayloadFormat string

	// Routes are the API's route keys. A request gets the route key and
	// path parameters of the route they match, as API Gateway selects
	// routes; a request that matches none is answered 404 without invoking
	// the Handler. Default: the Handler's Keys() when it has that method
	// (a *lambdahttp.Router has), else $default alone.
	Routes []route.Key

	// Stage is the stage the requests arrive on: "$default", or a named
	// stage, whose name a request path starts with, as a client's would
	// ("/dev/hello" on stage dev). Default: "$default".
	Stage string

	// StageVariables are the stage's variables.
	StageVariables map[string]string
}

// Authorizer is the identity a route's authorizer established: a JWT's
// claims and scopes, a Lambda authorizer's context, or an IAM caller. Give
// a request one with [WithAuthorizer].
type Authorizer = proxyevent.Authorizer

type authorizerKey struct{}

// WithAuthorizer returns a shallow copy of r whose event carries a, as if
// the route's authorizer had admitted the request with that identity. The
// Gateway checks no token: it passes a on.
func WithAuthorizer(r *http.Request, a *Authorizer) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), authorizerKey{}, a))
}

// prepared is a request ready to invoke the function: its event, or the
// response API Gateway answers with itself.
type prepared struct {
	id       string
	ev       *proxyevent.Request
	format   string
	event    []byte
	response *proxyevent.Response // the gateway's own answer; nil: invoke
}

// prepare reads r's body, picks the route and builds the event. It fails
// on a Gateway or a request it cannot stand for API Gateway with.
func (g *Gateway) prepare(r *http.Request) (*prepared, error) {
	format := g.PayloadFormat
	if format == "" {
		format = "2.0"
	}
	if format != "2.0" && format != "1.0" {
		return nil, fmt.Errorf("lambdahttptest: Gateway.PayloadFormat %q: want \"2.0\" or \"1.0\"", g.PayloadFormat)
	}
	stage := g.Stage
	if stage == "" {
		stage = "$default"
	}
	keys := g.Routes
	if keys == nil {
		if k, ok := g.Handler.(interface{ Keys() []route.Key }); ok {
			keys = k.Keys()
		} else {
			keys = []route.Key{route.Default()}
		}
	}
	table, err := route.NewTable(keys)
	if err != nil {
		return nil, fmt.Errorf("lambdahttptest: Gateway.Routes: %w", err)
	}
	path := r.URL.Path
	if stage != "$default" && path != "/"+stage && !strings.HasPrefix(path, "/"+stage+"/") {
		return nil, fmt.Errorf("lambdahttptest: path %q is not on stage %q: a client reaches stage %s at /%s/...", path, stage, stage, stage)
	}

	p := &prepared{id: proxyevent.NewRequestID(), format: format}
	var body []byte
	if r.Body != nil {
		body, err = io.ReadAll(io.LimitReader(r.Body, quota.RequestBytes+1))
		if err != nil {
			return nil, fmt.Errorf("lambdahttptest: reading the request body: %w", err)
		}
		if len(body) > quota.RequestBytes {
			p.response = proxyevent.GatewayResponse(http.StatusRequestEntityTooLarge)
			return p, nil
		}
	}
	if r.Host == "" { // a request from http.NewRequest with a path alone
		host := r.URL.Host
		if host == "" {
			host = APIID + ".execute-api." + proxyevent.Region + ".amazonaws.com"
		}
		withHost := *r
		withHost.Host = host
		r = &withHost
	}
	sourceIP, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		sourceIP = r.RemoteAddr
	}
	if sourceIP == "" {
		sourceIP = "192.0.2.1"
	}
	a, _ := r.Context().Value(authorizerKey{}).(*Authorizer)
	p.ev = &proxyevent.Request{HTTP: r, Body: body, ID: p.id, Time: time.Now(), APIID: APIID,
		Stage: stage, StageVariables: g.StageVariables, SourceIP: sourceIP, Authorizer: a}
	// The API has no CORS configuration: API Gateway answers no preflight itself.
	d := table.Gateway(r.Method, p.ev.RoutePath(), false)
	if d.Outcome != route.Matched {
		p.response = proxyevent.GatewayResponse(http.StatusNotFound)
		return p, nil
	}
	p.ev.Route, p.ev.PathParameters = d.Key, d.Params
	if p.event, err = p.ev.Event(format); err != nil {
		return nil, fmt.Errorf("lambdahttptest: %w", err)
	}
	if len(p.event) > quota.PayloadBytes {
		p.response = proxyevent.GatewayResponse(http.StatusRequestEntityTooLarge)
	}
	return p, nil
}

// Event returns the event API Gateway would send the function for r,
// reading r's body. It fails when no route matches r (API Gateway would
// answer 404 without invoking the function) and when r is not on the
// Gateway's stage.
func (g *Gateway) Event(r *http.Request) ([]byte, error) {
	p, err := g.prepare(r)
	if err != nil {
		return nil, err
	}
	if p.response != nil {
		return nil, fmt.Errorf("lambdahttptest: API Gateway answers %s %s with %d %s without invoking the function",
			r.Method, r.URL.Path, p.response.StatusCode, p.response.Body)
	}
	return p.event, nil
}

// Request returns the *lambdahttp.Request a lambdahttp handler would be
// given for r, so that a lambdahttp.HandlerFunc can be called directly:
// the event of [Gateway.Event], parsed by lambdahttp.
func (g *Gateway) Request(r *http.Request) (*lambdahttp.Request, error) {
	event, err := g.Event(r)
	if err != nil {
		return nil, err
	}
	return lambdahttp.ParseEvent(event)
}

// Do sends r through the Gateway: it builds the event, invokes the Handler
// with r's context (carrying a lambdacontext.LambdaContext) and returns
// the response the client would get, with its body read into memory, the
// Apigw-Requestid header and Content-Length.
//
// When the function fails (returns an error, panics, or returns more than
// Lambda's 6 MB) or returns a result API Gateway rejects, Do returns API
// Gateway's 500 response and an error that says why. Other errors mean the
// Gateway could not stand for API Gateway: a misconfigured Gateway, a
// request path on another stage; then the response is nil.
func (g *Gateway) Do(r *http.Request) (*http.Response, error) {
	if g.Handler == nil {
		return nil, errors.New("lambdahttptest: Gateway.Handler is nil: there is no function to invoke")
	}
	p, err := g.prepare(r)
	if err != nil {
		return nil, err
	}
	resp := p.response
	if resp == nil {
		resp, err = g.invoke(r.Context(), p)
	}
	return httpResponse(r, resp, p.id), err
}

// invoke runs the Handler and maps its result as API Gateway does.
func (g *Gateway) invoke(ctx context.Context, p *prepared) (*proxyevent.Response, error) {
	ctx = lambdacontext.NewContext(ctx, &lambdacontext.LambdaContext{
		AwsRequestID:       p.id,
		InvokedFunctionArn: "arn:aws:lambda:" + proxyevent.Region + ":" + proxyevent.AccountID + ":function:lambdahttptest",
	})
	out, err := func() (out []byte, err error) {
		defer func() {
			if v := recover(); v != nil {
				err = fmt.Errorf("panic: %v", v)
			}
		}()
		return g.Handler.Invoke(ctx, p.event)
	}()
	switch {
	case err != nil:
		return proxyevent.GatewayResponse(http.StatusInternalServerError), fmt.Errorf("lambdahttptest: the function failed: %w", err)
	case len(out) > quota.PayloadBytes:
		return proxyevent.GatewayResponse(http.StatusInternalServerError),
			fmt.Errorf("lambdahttptest: the function's result of %d bytes exceeds Lambda's %d-byte limit", len(out), quota.PayloadBytes)
	}
	resp, err := proxyevent.ParseResult(p.format, out)
	if err != nil {
		return proxyevent.GatewayResponse(http.StatusInternalServerError), fmt.Errorf("lambdahttptest: API Gateway rejects the function's result: %w", err)
	}
	return resp, nil
}

// httpResponse is resp as the client receives it.
func httpResponse(r *http.Request, resp *proxyevent.Response, id string) *http.Response {
	h := resp.Header.Clone()
	h.Set("Apigw-Requestid", id)
	h.Set("Content-Length", strconv.Itoa(len(resp.Body)))
	body := resp.Body
	if r.Method == http.MethodHead {
		body = nil
	}
	return &http.Response{
		Status:        strconv.Itoa(resp.StatusCode) + " " + http.StatusText(resp.StatusCode),
		StatusCode:    resp.StatusCode,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        h,
		Body:          io.NopCloser(bytes.NewReader(body)),
		ContentLength: int64(len(resp.Body)),
		Request:       r,
	}
}
