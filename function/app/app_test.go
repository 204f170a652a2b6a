package app

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/httpapi-cdk/httpapi/lambdahttp"
	"github.com/httpapi-cdk/httpapi/route"
)

func router() *lambdahttp.Router {
	return Router(&lambdahttp.Options{Logger: slog.New(slog.DiscardHandler)})
}

type request struct {
	method, path, routeKey string
	params                 map[string]string
	query, body            string
	headers                map[string]string
	cookies                []string
}

func (r request) v2() []byte {
	h := map[string]string{}
	for k, v := range r.headers {
		h[k] = v
	}
	ev := events.APIGatewayV2HTTPRequest{
		Version: "2.0", RouteKey: r.routeKey, RawPath: r.path, RawQueryString: r.query, Headers: h,
		PathParameters: r.params, Cookies: r.cookies, Body: r.body,
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			RequestID: "id-1", Stage: "$default", RouteKey: r.routeKey,
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: r.method, Path: r.path},
		},
	}
	b, _ := json.Marshal(ev)
	return b
}

type response struct {
	StatusCode      int               `json:"statusCode"`
	Headers         map[string]string `json:"headers"`
	Cookies         []string          `json:"cookies"`
	Body            string            `json:"body"`
	IsBase64Encoded bool              `json:"isBase64Encoded"`
}

func call(t *testing.T, event []byte) response {
	t.Helper()
	out, err := router().Invoke(context.Background(), event)
	if err != nil {
		t.Fatal(err)
	}
	var r response
	if err := json.Unmarshal(out, &r); err != nil {
		t.Fatal(err)
	}
	return r
}

func TestRoutes(t *testing.T) {
	for _, tc := range []struct {
		name   string
		req    request
		status int
		body   string
		header map[string]string
	}{
		{"GET /hello", request{method: "GET", path: "/hello", routeKey: "GET /hello"}, 200, `{"message":"Hello, world!"}`, map[string]string{"Content-Type": "application/json"}},
		{"GET /hello/{name}", request{method: "GET", path: "/hello/ann", routeKey: "GET /hello/{name}", params: map[string]string{"name": "ann"}}, 200, `{"message":"Hello, ann!"}`, nil},
		{"name through $default", request{method: "GET", path: "/hello/bob", routeKey: "$default"}, 200, `{"message":"Hello, bob!"}`, nil},
		{"name too long", request{method: "GET", path: "/hello/x", routeKey: "GET /hello/{name}", params: map[string]string{"name": strings.Repeat("n", 65)}}, 422, `{"message":"path parameter \"name\" must have at most 64 characters","field":"name","requestId":"id-1"}`, nil},
		{"echo", request{method: "POST", path: "/echo", routeKey: "POST /echo", body: `{"message":"hé","repeat":3}`}, 200, `{"message":"héhéhé","length":6}`, nil},
		{"echo without message", request{method: "POST", path: "/echo", routeKey: "POST /echo", body: `{}`}, 422, `{"message":"message is required","field":"message","requestId":"id-1"}`, nil},
		{"echo repeat out of range", request{method: "POST", path: "/echo", routeKey: "POST /echo", body: `{"message":"a","repeat":11}`}, 422, `{"message":"repeat must be at most 10","field":"repeat","requestId":"id-1"}`, nil},
		{"echo repeat mistyped", request{method: "POST", path: "/echo", routeKey: "POST /echo", body: `{"message":"a","repeat":"x"}`}, 400, `{"message":"request body field \"repeat\" must be int, got string","field":"repeat","requestId":"id-1"}`, nil},
		{"echo malformed", request{method: "POST", path: "/echo", routeKey: "POST /echo", body: `{"message":`}, 400, `{"message":"request body is not valid JSON at byte 11: unexpected end of JSON input","requestId":"id-1"}`, nil},
		{"report bad days", request{method: "GET", path: "/report", routeKey: "GET /report", query: "days=abc"}, 400, `{"message":"query parameter \"days\": \"abc\" is not a whole number in range","field":"days","requestId":"id-1"}`, nil},
		{"report days out of range", request{method: "GET", path: "/report", routeKey: "GET /report", query: "days=367"}, 422, `{"message":"query parameter \"days\" must be at most 366","field":"days","requestId":"id-1"}`, nil},
		{"report two days", request{method: "GET", path: "/report", routeKey: "GET /report", query: "days=2"}, 200, `[{"day":1,"requests":4659,"status":"ok"},{"day":2,"requests":2571,"status":"ok"}]`, nil},
		{"fail", request{method: "GET", path: "/fail", routeKey: "GET /fail"}, 500, `{"message":"Internal Server Error","requestId":"id-1"}`, nil},
		// API Gateway sends another method of a known path to $default, and so does the router.
		{"wrong method goes to $default", request{method: "DELETE", path: "/hello", routeKey: "$default"}, 404, `{"message":"no route for DELETE /hello","requestId":"id-1"}`, map[string]string{"Allow": ""}},
		{"unknown path", request{method: "GET", path: "/nope", routeKey: "$default"}, 404, `{"message":"no route for GET /nope","requestId":"id-1"}`, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := call(t, tc.req.v2())
			if r.StatusCode != tc.status || r.Body != tc.body {
				t.Errorf("got %d %s\nwant %d %s", r.StatusCode, r.Body, tc.status, tc.body)
			}
			for k, v := range tc.header {
				if r.Headers[k] != v {
					t.Errorf("header %s = %q, want %q", k, r.Headers[k], v)
				}
			}
		})
	}
}

func TestReportIsCompressedWhenAccepted(t *testing.T) {
	plain := call(t, request{method: "GET", path: "/report", routeKey: "GET /report"}.v2())
	var rows []ReportRow
	if err := json.Unmarshal([]byte(plain.Body), &rows); err != nil || len(rows) != 90 {
		t.Fatalf("report: %d rows, %v", len(rows), err)
	}
	gz := call(t, request{method: "GET", path: "/report", routeKey: "GET /report", headers: map[string]string{"accept-encoding": "gzip, br"}}.v2())
	if !gz.IsBase64Encoded || gz.Headers["Content-Encoding"] != "gzip" {
		t.Fatalf("not compressed: %+v", gz.Headers)
	}
	raw, _ := base64.StdEncoding.DecodeString(gz.Body)
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(zr)
	if string(body) != plain.Body {
		t.Error("decompressed report differs from the plain one")
	}
	if len(raw) >= len(plain.Body)/2 {
		t.Errorf("gzip saved little: %d of %d bytes", len(raw), len(plain.Body))
	}
}

func TestPixelIsBinary(t *testing.T) {
	r := call(t, request{method: "GET", path: "/pixel.png", routeKey: "GET /pixel.png"}.v2())
	png, err := base64.StdEncoding.DecodeString(r.Body)
	if err != nil || !r.IsBase64Encoded || !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) {
		t.Errorf("pixel: base64=%v err=%v body=%q", r.IsBase64Encoded, err, r.Body)
	}
	if r.Headers["Content-Type"] != "image/png" || r.Headers["Cache-Control"] != "max-age=86400" {
		t.Errorf("headers %v", r.Headers)
	}
}

func TestCookiesCountVisits(t *testing.T) {
	r := call(t, request{method: "GET", path: "/cookies", routeKey: "GET /cookies", cookies: []string{"theme=dark", "visits=4"}}.v2())
	if r.Body != `{"cookies":2,"visits":5}` {
		t.Errorf("body %s", r.Body)
	}
	if !slices.Equal(r.Cookies, []string{"visits=5; Path=/; HttpOnly; Secure; SameSite=Lax"}) {
		t.Errorf("cookies %q", r.Cookies)
	}
}

func TestPayloadV1(t *testing.T) {
	ev := events.APIGatewayProxyRequest{
		HTTPMethod: "GET", Path: "/cookies", Resource: "/cookies",
		Headers:        map[string]string{"Cookie": "visits=1"},
		RequestContext: events.APIGatewayProxyRequestContext{RequestID: "id-1", Stage: "$default", ResourceID: "GET /cookies"},
	}
	b, _ := json.Marshal(ev)
	out, _ := router().Invoke(context.Background(), b)
	var r events.APIGatewayProxyResponse
	json.Unmarshal(out, &r)
	if r.StatusCode != 200 || r.Body != `{"cookies":1,"visits":2}` || !slices.Equal(r.MultiValueHeaders["Set-Cookie"], []string{"visits=2; Path=/; HttpOnly; Secure; SameSite=Lax"}) {
		t.Errorf("1.0 response %+v", r)
	}
}

func TestRouteTable(t *testing.T) {
	keys := Routes()
	if _, err := route.NewTable(keys); err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(keys, route.Default()) {
		t.Error("no $default route: another method on /hello could not reach the function for its 405")
	}
	if !slices.Equal(keys, router().Keys()) {
		t.Error("Routes() and the router's keys differ")
	}
}

func TestHealth(t *testing.T) {
	ev := events.APIGatewayProxyRequest{HTTPMethod: "GET", Path: "/health", Resource: "/health",
		RequestContext: events.APIGatewayProxyRequestContext{RequestID: "id-1", Stage: "$default", ResourceID: "GET /health"}}
	b, _ := json.Marshal(ev)
	out, _ := HealthRouter(&lambdahttp.Options{Logger: slog.New(slog.DiscardHandler)}).Invoke(context.Background(), b)
	var r events.APIGatewayProxyResponse
	json.Unmarshal(out, &r)
	if r.StatusCode != 200 || r.Body != `{"payloadFormat":"1.0","status":"ok"}` {
		t.Errorf("health: %d %s", r.StatusCode, r.Body)
	}
	if !slices.Equal(HealthRoutes(), []route.Key{route.MustParse("GET /health")}) {
		t.Errorf("health routes %v", HealthRoutes())
	}
}
