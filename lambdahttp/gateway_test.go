package lambdahttp_test

// The router seen from HTTP: requests built by lambdahttptest, through the
// events API Gateway sends (the emulator's own builder), and the responses
// the client gets.

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/httpapi-cdk/httpapi/lambdahttp"
	"github.com/httpapi-cdk/httpapi/lambdahttp/lambdahttptest"
	"github.com/httpapi-cdk/httpapi/route"
)

// newRouter returns a router over routes that logs into logs (nil: nowhere).
func newRouter(t *testing.T, logs io.Writer, routes ...lambdahttp.Route) *lambdahttp.Router {
	t.Helper()
	if logs == nil {
		logs = io.Discard
	}
	rt, err := lambdahttp.NewRouter(&lambdahttp.Options{Logger: slog.New(slog.NewJSONHandler(logs, nil))}, routes...)
	if err != nil {
		t.Fatal(err)
	}
	return rt
}

func on(key string, h lambdahttp.HandlerFunc) lambdahttp.Route {
	return lambdahttp.Route{Key: route.MustParse(key), Handler: h}
}

func text(status int, body string) lambdahttp.HandlerFunc {
	return func(context.Context, *lambdahttp.Request) (*lambdahttp.Response, error) {
		return lambdahttp.Text(status, body), nil
	}
}

// seen is what the echo handler reports of its Request.
type seen struct {
	Path     string
	RouteKey string
	Params   map[string]string
	Query    url.Values
}

func echo(_ context.Context, req *lambdahttp.Request) (*lambdahttp.Response, error) {
	return lambdahttp.JSON(http.StatusOK, seen{Path: req.Path, RouteKey: req.RouteKey, Params: req.PathParams, Query: req.Query()}), nil
}

// reply is a response the client got.
type reply struct {
	status int
	header http.Header
	body   string
}

// send sends req through gw; the Gateway must not fail.
func send(t *testing.T, gw *lambdahttptest.Gateway, req *http.Request) reply {
	t.Helper()
	resp, err := gw.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return reply{resp.StatusCode, resp.Header, string(b)}
}

func sendSeen(t *testing.T, gw *lambdahttptest.Gateway, method, target string) seen {
	t.Helper()
	rep := send(t, gw, httptest.NewRequest(method, target, nil))
	var s seen
	if err := json.Unmarshal([]byte(rep.body), &s); err != nil {
		t.Fatalf("%s %s: %d %s", method, target, rep.status, rep.body)
	}
	return s
}

func TestStagePrefixNeverReachesTheRouter(t *testing.T) {
	rt := newRouter(t, nil, on("GET /hello/{name}", echo), on("$default", echo))
	dev := &lambdahttptest.Gateway{Handler: rt, Stage: "dev"}
	for target, want := range map[string]seen{
		"/dev/hello/ann": {Path: "/hello/ann", RouteKey: "GET /hello/{name}", Params: map[string]string{"name": "ann"}},
		"/dev":           {Path: "/", RouteKey: "$default"},
		"/dev/other":     {Path: "/other", RouteKey: "$default"},
	} {
		if got := sendSeen(t, dev, "GET", target); got.Path != want.Path || got.RouteKey != want.RouteKey || !mapsEqual(got.Params, want.Params) {
			t.Errorf("stage dev, %s: router saw %+v, want %+v", target, got, want)
		}
	}
	if got := sendSeen(t, &lambdahttptest.Gateway{Handler: rt}, "GET", "/hello/ann"); got.Path != "/hello/ann" {
		t.Errorf("$default stage: router path %q", got.Path)
	}
	// Through $default on a named stage, path matching sees the path without the stage.
	catchAll := &lambdahttptest.Gateway{Handler: rt, Stage: "dev", Routes: []route.Key{route.Default()}}
	if got := sendSeen(t, catchAll, "GET", "/dev/hello/bob"); got.RouteKey != "$default" || got.Params["name"] != "bob" {
		t.Errorf("path params through $default on stage dev: %+v", got)
	}
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func TestQueryKeepsExactValues(t *testing.T) {
	gw := &lambdahttptest.Gateway{Handler: newRouter(t, nil, on("GET /q", echo))}
	// API Gateway's queryStringParameters would say a=1,2,3: ambiguous.
	got := sendSeen(t, gw, "GET", "/q?a=1%2C2&a=3&b=x+y&c").Query
	if !slices.Equal(got["a"], []string{"1,2", "3"}) {
		t.Errorf(`a = %q, want ["1,2" "3"]`, got["a"])
	}
	if !slices.Equal(got["c"], []string{""}) {
		t.Errorf(`c = %q, want [""]`, got["c"])
	}
}

func TestRoutingOutcomes(t *testing.T) {
	rt := newRouter(t, nil,
		on("GET /hello", text(200, "get hello")),
		on("POST /hello", text(200, "post hello")),
		on("GET /items/{id}", echo),
		on("ANY /files/{proxy+}", text(200, "files")),
	)
	// An API that sends everything to the function through $default: the router matches paths itself.
	catchAll := &lambdahttptest.Gateway{Handler: rt, Routes: []route.Key{route.Default()}}
	table := &lambdahttptest.Gateway{Handler: rt} // the router's own routes
	for _, tc := range []struct {
		name         string
		gw           *lambdahttptest.Gateway
		method, path string
		status       int
		body, allow  string
	}{
		{"dispatch by route key", table, "GET", "/hello", 200, "get hello", ""},
		{"$default falls back to path matching", catchAll, "POST", "/hello", 200, "post hello", ""},
		{"greedy through $default", catchAll, "DELETE", "/files/a/b", 200, "files", ""},
		{"unknown path is 404", catchAll, "GET", "/nothing", 404, `{"message":"Not Found","requestId":"ID"}`, ""},
		{"other method is 405 with Allow", catchAll, "DELETE", "/hello", 405, `{"message":"Method Not Allowed","requestId":"ID"}`, "GET, POST"},
		{"405 for a parameterised path", catchAll, "PUT", "/items/7", 405, `{"message":"Method Not Allowed","requestId":"ID"}`, "GET"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep := send(t, tc.gw, httptest.NewRequest(tc.method, tc.path, nil))
			want := strings.Replace(tc.body, "ID", rep.header.Get("Apigw-Requestid"), 1)
			if rep.status != tc.status || rep.body != want {
				t.Errorf("got %d %q, want %d %q", rep.status, rep.body, tc.status, want)
			}
			if rep.header.Get("Allow") != tc.allow {
				t.Errorf("Allow = %q, want %q", rep.header.Get("Allow"), tc.allow)
			}
			if rep.status >= 400 && rep.header.Get("Content-Type") != "application/json" {
				t.Errorf("error Content-Type = %q", rep.header.Get("Content-Type"))
			}
		})
	}
	// A catch-all serves unknown paths, and a known path with another method
	// too, as API Gateway sends it to $default (R-KIT-3).
	withCatchAll := &lambdahttptest.Gateway{Handler: newRouter(t, nil, on("GET /hello", text(200, "hi")), on("$default", text(418, "catch-all")))}
	if rep := send(t, withCatchAll, httptest.NewRequest("GET", "/x", nil)); rep.status != 418 {
		t.Errorf("catch-all: %d %s", rep.status, rep.body)
	}
	if rep := send(t, withCatchAll, httptest.NewRequest("POST", "/hello", nil)); rep.status != 418 || rep.header.Get("Allow") != "" {
		t.Errorf("another method with a catch-all: %d %v", rep.status, rep.header)
	}
	// A browser preflight through the catch-all is answered 204 (API Gateway
	// adds the configured CORS headers); a plain OPTIONS goes to the catch-all.
	preflight := func(path, method string) *http.Request {
		req := httptest.NewRequest("OPTIONS", path, nil)
		req.Header.Set("Origin", "https://app.example")
		req.Header.Set("Access-Control-Request-Method", method)
		return req
	}
	if rep := send(t, withCatchAll, preflight("/hello", "GET")); rep.status != 204 || rep.body != "" {
		t.Errorf("preflight through $default: %d %q", rep.status, rep.body)
	}
	if rep := send(t, withCatchAll, httptest.NewRequest("OPTIONS", "/hello", nil)); rep.status != 418 {
		t.Errorf("plain OPTIONS: %d", rep.status)
	}
	// Through an OPTIONS route the construct added (not in the table), over
	// an ANY route that would otherwise run; a table's own OPTIONS route
	// wins; an unknown path that reaches the function through $default is 404.
	withAny := newRouter(t, nil, on("ANY /files/{proxy+}", text(200, "files")), on("OPTIONS /own", text(200, "own options")), on("GET /own", text(200, "own")))
	deployed := &lambdahttptest.Gateway{Handler: withAny, Routes: append(withAny.Keys(), route.MustParse("OPTIONS /files/{proxy+}"), route.Default())}
	for path, want := range map[string]int{"/files/a": 204, "/own": 200, "/unknown": 404} {
		if rep := send(t, deployed, preflight(path, "PUT")); rep.status != want {
			t.Errorf("preflight %s: %d %s, want %d", path, rep.status, rep.body, want)
		}
	}
}

func TestGzip(t *testing.T) {
	big := strings.Repeat("all work and no play ", 100)
	gw := &lambdahttptest.Gateway{Handler: newRouter(t, nil,
		on("GET /big", text(200, big)),
		on("GET /small", text(200, "tiny")),
		on("GET /jpeg", func(context.Context, *lambdahttp.Request) (*lambdahttp.Response, error) {
			return lambdahttp.Binary(200, "image/jpeg", []byte(big)), nil
		}),
	)}
	for _, tc := range []struct {
		path, accept string
		gzipped      bool
	}{
		{"/big", "gzip, deflate, br", true},
		{"/big", "br;q=1.0, gzip;q=0.8", true},
		{"/big", "*", true},
		{"/big", "gzip;q=0", false},
		{"/big", "deflate", false},
		{"/big", "", false},
		// RFC 9110 §12.5.3: the most specific entry decides, q=0 is "not
		// acceptable", coding names and parameter names are case-insensitive,
		// x-gzip is gzip, a coding not listed is not acceptable.
		{"/big", "identity;q=0", false},
		{"/big", "*;q=0", false},
		{"/big", "*, gzip;q=0", false},
		{"/big", "gzip;Q=0", false},
		{"/big", "gzip; q=0.000", false},
		{"/big", "GZIP", true},
		{"/big", "x-gzip", true},
		{"/big", "X-GZip;q=0.1", true},
		{"/big", "*;q=0, gzip", true},
		{"/big", "gzip;q=0.5, br", true},
		{"/big", "gzip;q=0.001", true},
		{"/big", "gzip;q=1.000", true},
		{"/big", "gzip;q=abc", false},
		{"/big", "gzip;q=1.5", false},
		{"/big", "gzip;q=0.5000", false},
		{"/big", "gzip;q=", false},
		{"/big", "br, *;q=0.5", true},
		{"/big", " , ;q=1, gzip", true},
		{"/small", "gzip", false},
		{"/jpeg", "gzip", false}, // already compressed formats are left alone
	} {
		req := httptest.NewRequest("GET", tc.path, nil)
		if tc.accept != "" {
			req.Header.Set("Accept-Encoding", tc.accept)
		}
		rep := send(t, gw, req)
		if got := rep.header.Get("Content-Encoding") == "gzip"; got != tc.gzipped {
			t.Errorf("%s with Accept-Encoding %q: gzipped = %v, want %v", tc.path, tc.accept, got, tc.gzipped)
			continue
		}
		if !tc.gzipped {
			if rep.body != big && rep.body != "tiny" {
				t.Errorf("%s: body differs", tc.path)
			}
			continue
		}
		if rep.header.Get("Vary") != "Accept-Encoding" {
			t.Errorf("gzipped response: Vary = %q", rep.header.Get("Vary"))
		}
		zr, err := gzip.NewReader(strings.NewReader(rep.body))
		if err != nil {
			t.Fatal(err)
		}
		if out, err := io.ReadAll(zr); err != nil || string(out) != big {
			t.Errorf("gunzipped body differs: %v", err)
		}
	}
}

func TestErrors(t *testing.T) {
	var logs bytes.Buffer
	gw := &lambdahttptest.Gateway{Handler: newRouter(t, &logs,
		on("GET /plain", func(context.Context, *lambdahttp.Request) (*lambdahttp.Response, error) {
			return nil, errors.New("db password is hunter2")
		}),
		on("GET /typed", func(context.Context, *lambdahttp.Request) (*lambdahttp.Response, error) {
			return nil, lambdahttp.Errorf(409, "order %d already exists", 7)
		}),
		on("GET /wrapped", func(context.Context, *lambdahttp.Request) (*lambdahttp.Response, error) {
			return nil, &lambdahttp.Error{Status: 503, Message: "try later", Err: errors.New("pool exhausted")}
		}),
		on("GET /panic", func(context.Context, *lambdahttp.Request) (*lambdahttp.Response, error) { panic("boom") }),
		on("GET /nil", func(context.Context, *lambdahttp.Request) (*lambdahttp.Response, error) { return nil, nil }),
		on("GET /status", func(context.Context, *lambdahttp.Request) (*lambdahttp.Response, error) {
			return lambdahttp.Empty(0), nil
		}),
		on("GET /huge", text(200, strings.Repeat("x", lambdahttp.MaxResponseBytes))),
		on("GET /hugebinary", func(context.Context, *lambdahttp.Request) (*lambdahttp.Response, error) {
			return lambdahttp.Binary(200, "application/octet-stream", make([]byte, 5*1024*1024)), nil // 6.7 MB once base64-encoded
		}),
		on("POST /json", func(_ context.Context, req *lambdahttp.Request) (*lambdahttp.Response, error) {
			var in struct {
				Name string `json:"name"`
				Age  int    `json:"age"`
			}
			if err := req.DecodeJSON(&in); err != nil {
				return nil, err
			}
			return lambdahttp.JSON(200, in), nil
		}),
	)}
	internal := `{"message":"Internal Server Error","requestId":"ID"}`
	for _, tc := range []struct {
		name, method, path, body string
		status                   int
		want                     string
	}{
		{"plain error is a generic 500", "GET", "/plain", "", 500, internal},
		{"typed error keeps status and message", "GET", "/typed", "", 409, `{"message":"order 7 already exists","requestId":"ID"}`},
		{"wrapped cause is not shown", "GET", "/wrapped", "", 503, `{"message":"try later","requestId":"ID"}`},
		{"panic is a 500", "GET", "/panic", "", 500, internal},
		{"nil response is a 500", "GET", "/nil", "", 500, internal},
		{"invalid status is a 500", "GET", "/status", "", 500, internal},
		{"response over 6 MB is a 500", "GET", "/huge", "", 500, internal},
		{"binary response over 6 MB once encoded is a 500", "GET", "/hugebinary", "", 500, internal},
		{"malformed JSON is a 400", "POST", "/json", `{"name":`, 400, `{"message":"request body is not valid JSON at byte 8: unexpected end of JSON input","requestId":"ID"}`},
		{"JSON syntax error names the offset", "POST", "/json", `{"name" "x"}`, 400, `{"message":"request body is not valid JSON at byte 9: invalid character '\"' after object key","requestId":"ID"}`},
		{"wrong type names the field", "POST", "/json", `{"age":"old"}`, 400, `{"message":"request body field \"age\" must be int, got string","field":"age","requestId":"ID"}`},
		{"unknown fields are ignored", "POST", "/json", `{"name":"a","nick":"x"}`, 200, `{"name":"a","age":0}`},
		{"empty body is a 400", "POST", "/json", ``, 400, `{"message":"request body is empty: want a JSON document","requestId":"ID"}`},
		{"trailing data is a 400", "POST", "/json", `{"name":"a"} {}`, 400, `{"message":"request body is not valid JSON at byte 14: invalid character '{' after top-level value","requestId":"ID"}`},
		{"valid JSON passes", "POST", "/json", `{"name":"a","age":3}`, 200, `{"name":"a","age":3}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(tc.method, tc.path, strings.NewReader(tc.body))
			req.Header.Set("Content-Type", "application/json")
			rep := send(t, gw, req)
			// The error body names API Gateway's request id, the one the client gets in Apigw-Requestid.
			want := strings.Replace(tc.want, "ID", rep.header.Get("Apigw-Requestid"), 1)
			if rep.status != tc.status || rep.body != want {
				t.Errorf("got %d %s\nwant %d %s", rep.status, rep.body, tc.status, want)
			}
		})
	}
	for _, want := range []string{"db password is hunter2", `"panic":"boom"`, "goroutine", "exceeds Lambda's 6291456-byte limit", "handler returned neither a response nor an error", "pool exhausted"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("logs do not mention %q", want)
		}
	}
}

// The same responses through payload 2.0 and 1.0: cookies, binary bodies
// and content types as the client gets them.
func TestResponsesBothFormats(t *testing.T) {
	png := []byte{0x89, 'P', 'N', 'G', 0, 1, 2}
	rt := newRouter(t, nil,
		on("GET /png", func(context.Context, *lambdahttp.Request) (*lambdahttp.Response, error) {
			return lambdahttp.Binary(200, "image/png", png), nil
		}),
		on("GET /cookie", func(context.Context, *lambdahttp.Request) (*lambdahttp.Response, error) {
			return lambdahttp.Empty(204).SetCookie(&http.Cookie{Name: "a", Value: "1", HttpOnly: true}).SetCookie(&http.Cookie{Name: "b", Value: "2"}), nil
		}),
		on("GET /none", func(context.Context, *lambdahttp.Request) (*lambdahttp.Response, error) {
			return &lambdahttp.Response{Status: 200, Body: []byte("x")}, nil
		}),
		on("GET /whoami", func(_ context.Context, req *lambdahttp.Request) (*lambdahttp.Response, error) {
			c, _ := req.Cookie("theme")
			return lambdahttp.Text(200, req.Authorizer.JWTClaims["sub"]+" "+c+" "+req.Header("X-Tenant")), nil
		}),
	)
	for _, format := range []string{"2.0", "1.0"} {
		gw := &lambdahttptest.Gateway{Handler: rt, PayloadFormat: format}
		if rep := send(t, gw, httptest.NewRequest("GET", "/png", nil)); rep.body != string(png) || rep.header.Get("Content-Type") != "image/png" {
			t.Errorf("%s png: %q %q", format, rep.body, rep.header.Get("Content-Type"))
		}
		if rep := send(t, gw, httptest.NewRequest("GET", "/cookie", nil)); rep.status != 204 || !slices.Equal(rep.header.Values("Set-Cookie"), []string{"a=1; HttpOnly", "b=2"}) {
			t.Errorf("%s cookies: %d %q", format, rep.status, rep.header.Values("Set-Cookie"))
		}
		// No content type: the body goes base64-encoded, and API Gateway answers with its default type.
		if rep := send(t, gw, httptest.NewRequest("GET", "/none", nil)); rep.body != "x" || rep.header.Get("Content-Type") != "text/plain; charset=utf-8" {
			t.Errorf("%s no content type: %q %q", format, rep.body, rep.header.Get("Content-Type"))
		}
		req := httptest.NewRequest("GET", "/whoami", nil)
		req.Header.Set("Cookie", "theme=dark; lang=en")
		req.Header.Set("X-Tenant", "acme")
		req = lambdahttptest.WithAuthorizer(req, &lambdahttptest.Authorizer{JWTClaims: map[string]string{"sub": "u1"}})
		if rep := send(t, gw, req); rep.body != "u1 dark acme" {
			t.Errorf("%s identity, cookie, header: %q", format, rep.body)
		}
	}
}
