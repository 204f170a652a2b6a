// The contract check: a handler's typed routes against the OpenAPI document that describes them.

package lambdahttptest

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/httpapi-cdk/httpapi/openapi"
)

// T is what CheckContract reports on: a *testing.T, or anything with
// these methods of testing.TB.
type T interface {
	Helper()
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
}

// ContractHandler is a route table that serves events and describes its
// routes: *lambdahttp.Router and *lambdahttp.ServeMux are.
type ContractHandler interface {
	lambda.Handler
	openapi.Source
}

// ContractCase is one request of a contract check, and the answer the
// handler must give it.
type ContractCase struct {
	// Method and Target are the request's method and target, such as
	// "/notes/7?full=true".
	Method, Target string
	// Body is the request body, sent as application/json when not empty.
	Body string
	// Status is the status the handler must answer: 2xx for a valid
	// request, which the document must accept, 4xx for an invalid one,
	// which the document must refuse.
	Status int
	// Field is the request value an error answer must name in its field
	// member; "" for none.
	Field string
}

// Contract is a handler and the OpenAPI document it must honour.
type Contract struct {
	// Handler is the route table under test.
	Handler ContractHandler
	// Document is the OpenAPI document, JSON: the one the httpapi
	// construct wrote into the cloud assembly (httpapi.DocumentFile).
	// Default: the document of Handler's own operations, every route public.
	Document []byte
	// Cases are the requests to send, by route key ("POST /notes"): each
	// typed route of Handler needs at least one valid and one invalid
	// request. CheckContract adds, for each typed route with a body, its
	// first valid request sent as text/plain, which must be answered 415.
	Cases map[string][]ContractCase
	// Authorizer is the identity every request carries, for routes behind
	// an authorizer. Default: none.
	Authorizer *Authorizer
	// Send serves a request. Default: a [Gateway] in front of Handler.
	Send func(*http.Request) (*http.Response, error)
}

// CheckContract checks that c.Handler does what c.Document says of its
// typed routes, and reports every disagreement on t: the document must
// load and validate (kin-openapi); each typed route must have a valid and
// an invalid case, and each case name a typed route; for each case, the
// document must route the request to that route key and accept the
// request exactly when its Status is 2xx, the handler must answer Status,
// the answer's status must be declared and its body match the declared
// schema, and an error must name Field.
//
// It imports kin-openapi: use it from tests only, so that no function
// binary links it.
func CheckContract(t T, c Contract) {
	t.Helper()
	raw := c.Document
	if raw == nil {
		d := openapi.NewDocument("contract", "test")
		d.AddSource(c.Handler)
		b, err := json.Marshal(d)
		if err != nil {
			t.Fatalf("lambdahttptest: the handler's document: %v", err)
			return
		}
		raw = b
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(raw)
	if err != nil {
		t.Fatalf("lambdahttptest: kin-openapi cannot load the document: %v", err)
		return
	}
	if err := doc.Validate(loader.Context); err != nil {
		t.Fatalf("lambdahttptest: the document is invalid: %v", err)
		return
	}
	doc.Servers = openapi3.Servers{{URL: "http://api.test"}}
	router, err := legacy.NewRouter(doc)
	if err != nil {
		t.Fatalf("lambdahttptest: routing the document: %v", err)
		return
	}
	send := c.Send
	if send == nil {
		gw := &Gateway{Handler: c.Handler}
		send = gw.Do
	}
	cases := map[string][]contractRequest{}
	typed := map[string]bool{}
	for _, op := range c.Handler.Operations() {
		if !op.Validated {
			continue
		}
		key := op.Key.String()
		typed[key] = true
		list := c.Cases[key]
		var valid, invalid bool
		for _, tc := range list {
			valid = valid || tc.Status < 300
			invalid = invalid || tc.Status >= 400
		}
		if !valid || !invalid {
			t.Errorf("typed route %s needs a valid and an invalid contract case, has %d cases", key, len(list))
		}
		for _, tc := range list {
			cases[key] = append(cases[key], contractRequest{tc, "application/json"})
		}
		if op.RequestBody == nil {
			continue
		}
		withBody := false
		for _, tc := range list {
			if tc.Status < 300 && tc.Body != "" {
				tc.Status, tc.Field = http.StatusUnsupportedMediaType, ""
				cases[key] = append(cases[key], contractRequest{tc, "text/plain"})
				withBody = true
				break
			}
		}
		if !withBody {
			t.Errorf("typed route %s reads a body: give it a valid contract case with a body, which is also sent as text/plain (415 expected)", key)
		}
	}
	for key := range c.Cases {
		if !typed[key] {
			t.Errorf("contract cases for %s, which is not a typed route of the handler", key)
		}
	}
	opts := &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, IncludeResponseStatus: true}
	for key, list := range cases {
		for _, tc := range list {
			checkCase(t, router, send, c.Authorizer, opts, key, tc)
		}
	}
}

// contractRequest is a case with the Content-Type of its body.
type contractRequest struct {
	ContractCase
	contentType string
}

// checkCase sends one case and checks request and answer against the
// document.
func checkCase(t T, router routers.Router, send func(*http.Request) (*http.Response, error), a *Authorizer, opts *openapi3filter.Options, key string, tc contractRequest) {
	t.Helper()
	contentType, body := tc.contentType, tc.Body
	name := key + ": " + tc.Method + " " + tc.Target + " " + contentType + " " + body
	newRequest := func() *http.Request {
		req := httptest.NewRequest(tc.Method, "http://api.test"+tc.Target, strings.NewReader(body))
		if body != "" {
			req.Header.Set("Content-Type", contentType)
		}
		return req
	}
	req := newRequest()
	rt, params, err := router.FindRoute(req)
	if err != nil {
		t.Errorf("%s: no route in the document: %v", name, err)
		return
	}
	if got := rt.Operation.Extensions[openapi.RouteKeyExtension]; got != nil && got != key {
		t.Errorf("%s: the document routes it to %v", name, got)
	}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: rt, Options: opts}
	reqErr := openapi3filter.ValidateRequest(context.Background(), in)
	if valid := tc.Status < 300; valid != (reqErr == nil) {
		t.Errorf("%s: the document's verdict on the request (%v) disagrees with the expected status %d", name, reqErr, tc.Status)
	}
	req = newRequest()
	if a != nil {
		req = WithAuthorizer(req, a)
	}
	resp, err := send(req)
	if err != nil {
		t.Errorf("%s: %v", name, err)
		return
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != tc.Status {
		t.Errorf("%s: status %d %s, want %d", name, resp.StatusCode, got, tc.Status)
		return
	}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: resp.StatusCode, Header: resp.Header, Options: opts}
	out.SetBodyBytes(got)
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		t.Errorf("%s: the answer does not match the document: %v\n%s", name, err, got)
	}
	if tc.Status >= 400 {
		var e struct{ Field string }
		json.Unmarshal(got, &e)
		if e.Field != tc.Field {
			t.Errorf("%s: the error names field %q, want %q: %s", name, e.Field, tc.Field, got)
		}
	}
}
