package local

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/httpapi-cdk/httpapi/internal/localtest"
)

// The emulator fixture: the echo function behind a 2.0 API ("V2") and a
// 1.0 API ("V1"), synthesized by the constructs (see test/emulator_fixture_test.go).
const fixtureTemplate = "../test/testdata/EmulatorFixture.template.json"

type fixture struct {
	api       *API
	srv       *Server
	http      *httptest.Server
	accessLog *localtest.Buffer
	log       *localtest.Buffer
}

var (
	fixturesMu sync.Mutex
	fixtures   = map[string]*fixture{}
)

// serve returns a running emulator for one API of a template, shared by
// the tests of this binary.
func serve(t *testing.T, template, api string) *fixture {
	t.Helper()
	fixturesMu.Lock()
	defer fixturesMu.Unlock()
	key := template + "|" + api
	if f, ok := fixtures[key]; ok {
		return f
	}
	a := templateAPI(t, template, api)
	f := &fixture{api: a, accessLog: &localtest.Buffer{}, log: &localtest.Buffer{}}
	var err error
	// Unthrottled: many tests share the fixture, some of them in parallel;
	// throttling has servers of its own (throttle_test.go).
	f.srv, err = New(context.Background(), a, &Options{Concurrency: 4, Log: f.log, AccessLog: f.accessLog, Unthrottled: true})
	if err != nil {
		t.Fatal(err)
	}
	f.http = httptest.NewServer(f.srv)
	fixtures[key] = f
	return f
}

// templateAPI loads the template at path as stack Fixture and returns its
// API named api ("" for its only one).
func templateAPI(t testing.TB, path, api string) *API {
	t.Helper()
	apis, err := LoadTemplate(path, "Fixture")
	if err != nil {
		t.Fatal(err)
	}
	a, err := Select(apis, "", api)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestMain(m *testing.M) {
	if url := os.Getenv(intruderEnv); url != "" {
		intrude(url) // this binary plays another program of the machine
		return
	}
	code := m.Run()
	for _, f := range fixtures {
		f.http.Close()
		f.srv.Close()
	}
	os.Exit(code)
}

// waitLog returns the log once it holds substr, or after 5 s: the
// emulator writes its logs from a goroutine of its own.
func waitLog(log *localtest.Buffer, substr string) string {
	localtest.WaitFor(5*time.Second, func() bool { return strings.Contains(log.String(), substr) })
	return log.String()
}

type reply struct {
	status int
	header http.Header
	body   []byte
}

func do(t *testing.T, f *fixture, method, path string, body []byte, headers ...string) reply {
	t.Helper()
	req, err := http.NewRequest(method, f.http.URL+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body == nil {
		req.Body = nil
		req.ContentLength = 0
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Add(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return reply{resp.StatusCode, resp.Header, b}
}

// eventOf calls the echo function and returns the event it received.
func eventOf(t *testing.T, f *fixture, method, path string, body []byte, headers ...string) (map[string]any, reply) {
	t.Helper()
	r := do(t, f, method, path, body, headers...)
	if r.status != 200 {
		t.Fatalf("%s %s: %d %s", method, path, r.status, r.body)
	}
	var ev map[string]any
	if err := json.Unmarshal(r.body, &ev); err != nil {
		t.Fatalf("echo body is not an event: %v\n%s", err, r.body)
	}
	return ev, r
}

func get(m map[string]any, path string) any {
	var v any = m
	for _, k := range strings.Split(path, ".") {
		mm, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = mm[k]
	}
	return v
}

func expect(t *testing.T, ev map[string]any, want map[string]any) {
	t.Helper()
	for path, w := range want {
		got := get(ev, path)
		gb, _ := json.Marshal(got)
		wb, _ := json.Marshal(w)
		if !bytes.Equal(gb, wb) {
			t.Errorf("%s = %s, want %s", path, gb, wb)
		}
	}
}

func absent(t *testing.T, ev map[string]any, keys ...string) {
	t.Helper()
	for _, k := range keys {
		parent, last := ev, k
		if i := strings.LastIndex(k, "."); i >= 0 {
			parent, _ = get(ev, k[:i]).(map[string]any)
			last = k[i+1:]
		}
		if _, ok := parent[last]; ok {
			t.Errorf("%s is present (%v); API Gateway omits it", k, parent[last])
		}
	}
}

func TestRouteSelection(t *testing.T) {
	f := serve(t, fixtureTemplate, "V2")
	for _, tc := range []struct {
		method, path, routeKey string
		params                 map[string]any
	}{
		{"GET", "/echo/7", "GET /echo/{id}", map[string]any{"id": "7"}},
		{"GET", "/exact/dog", "GET /exact/dog", nil},
		{"GET", "/exact/cat", "GET /exact/{id}", map[string]any{"id": "cat"}},
		{"DELETE", "/greedy/a/b/c", "ANY /greedy/{proxy+}", map[string]any{"proxy": "a/b/c"}},
		{"GET", "/greedy", "$default", nil},
		{"POST", "/echo/7", "$default", nil},
		{"GET", "/nothing/here", "$default", nil},
		{"GET", "/echo/7/", "GET /echo/{id}", map[string]any{"id": "7"}},
		{"GET", "/echo/a%20b", "GET /echo/{id}", map[string]any{"id": "a b"}},
	} {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			ev, _ := eventOf(t, f, tc.method, tc.path, nil)
			expect(t, ev, map[string]any{"routeKey": tc.routeKey, "requestContext.routeKey": tc.routeKey})
			if tc.params == nil {
				absent(t, ev, "pathParameters")
			} else {
				expect(t, ev, map[string]any{"pathParameters": tc.params})
			}
		})
	}
}

func TestNoRouteIs404(t *testing.T) {
	f := serve(t, fixtureTemplate, "V1") // no $default route
	for _, tc := range []struct{ method, path string }{{"GET", "/nothing"}, {"POST", "/echo/1"}, {"GET", "/greedy"}} {
		r := do(t, f, tc.method, tc.path, nil)
		if r.status != 404 || string(r.body) != `{"message":"Not Found"}` || r.header.Get("Content-Type") != "application/json" || r.header.Get("Content-Length") != "23" {
			t.Errorf("%s %s: %d %v %s", tc.method, tc.path, r.status, r.header, r.body)
		}
	}
}

func TestStages(t *testing.T) {
	f := serve(t, fixtureTemplate, "V2")
	ev, _ := eventOf(t, f, "GET", "/dev/echo/1", nil)
	expect(t, ev, map[string]any{
		"rawPath": "/dev/echo/1", "requestContext.http.path": "/dev/echo/1", "routeKey": "GET /echo/{id}",
		"requestContext.stage": "dev", "stageVariables": map[string]any{"color": "blue"}, "pathParameters": map[string]any{"id": "1"},
	})
	ev, _ = eventOf(t, f, "GET", "/prod/echo/1", nil) // not a stage: $default stage, $default route
	expect(t, ev, map[string]any{"rawPath": "/prod/echo/1", "requestContext.stage": "$default", "routeKey": "$default"})
	absent(t, ev, "stageVariables")
}

var (
	requestIDPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{15}=$`)
	tracePattern     = regexp.MustCompile(`^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$`)
	clfPattern       = regexp.MustCompile(`^\d{2}/[A-Z][a-z]{2}/\d{4}:\d{2}:\d{2}:\d{2} \+0000$`)
)

func TestEventV2Shape(t *testing.T) {
	f := serve(t, fixtureTemplate, "V2")
	before := time.Now().UnixMilli()
	ev, r := eventOf(t, f, "GET", "/echo/1?q=Hello%20World&tag=a&tag=b+c&flag", nil,
		"X-Custom-Header", "one", "X-Custom-Header", "two", "Cookie", "session=abc; theme=dark", "Cookie", "x=1", "User-Agent", "probe/1.0")
	expect(t, ev, map[string]any{
		"version": "2.0", "rawQueryString": "q=Hello%20World&tag=a&tag=b+c&flag",
		"queryStringParameters":   map[string]any{"q": "Hello World", "tag": "a,b+c", "flag": ""},
		"cookies":                 []any{"session=abc", "theme=dark", "x=1"},
		"headers.x-custom-header": "one,two", "headers.content-length": "0", "headers.x-forwarded-proto": "http",
		"headers.x-forwarded-for": "127.0.0.1", "headers.user-agent": "probe/1.0",
		"requestContext.http.method": "GET", "requestContext.http.protocol": "HTTP/1.1", "requestContext.http.sourceIp": "127.0.0.1",
		"requestContext.http.userAgent": "probe/1.0", "requestContext.accountId": "123456789012", "isBase64Encoded": false,
	})
	absent(t, ev, "headers.cookie", "body", "stageVariables", "requestContext.authentication", "requestContext.authorizer", "multiValueHeaders")
	host := strings.TrimPrefix(f.http.URL, "http://")
	// The Host header as sent; domainName without the port, as no real event has one.
	expect(t, ev, map[string]any{"headers.host": host, "requestContext.domainName": "127.0.0.1", "requestContext.domainPrefix": "127"})
	id, _ := get(ev, "requestContext.requestId").(string)
	if !requestIDPattern.MatchString(id) || r.header.Get("Apigw-Requestid") != id {
		t.Errorf("requestId %q, apigw-requestid header %q", id, r.header.Get("Apigw-Requestid"))
	}
	if trace, _ := get(ev, "headers.x-amzn-trace-id").(string); !tracePattern.MatchString(trace) {
		t.Errorf("x-amzn-trace-id %q", trace)
	}
	if tm, _ := get(ev, "requestContext.time").(string); !clfPattern.MatchString(tm) {
		t.Errorf("time %q", tm)
	}
	if epoch, _ := get(ev, "requestContext.timeEpoch").(float64); int64(epoch) < before || int64(epoch) > time.Now().UnixMilli() {
		t.Errorf("timeEpoch %v is not milliseconds of now", epoch)
	}
	ev, _ = eventOf(t, f, "GET", "/echo/1", nil)
	expect(t, ev, map[string]any{"rawQueryString": ""})
	absent(t, ev, "queryStringParameters", "cookies")
	// rawPath is decoded in spite of its name (docs/api-gateway-behavior.md R-EV2-6).
	ev, _ = eventOf(t, f, "GET", "/echo/a%20b", nil)
	expect(t, ev, map[string]any{"rawPath": "/echo/a b", "requestContext.http.path": "/echo/a b"})
}

func TestEventBodies(t *testing.T) {
	f := serve(t, fixtureTemplate, "V2")
	for _, tc := range []struct {
		name, contentType, body string
		want                    string
		base64                  bool
	}{
		{"json is text", "application/json", `{"a":1}`, `{"a":1}`, false},
		{"text/* is text", "text/csv; charset=utf-8", "a,b", "a,b", false},
		{"octet-stream is base64", "application/octet-stream", "\x01\x02\x03\x04\x05", "AQIDBAU=", true},
		{"form data is base64", "application/x-www-form-urlencoded", "a=1&b=2", "YT0xJmI9Mg==", true},
		{"no content type is base64", "", "hi", "aGk=", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var hdr []string
			if tc.contentType != "" {
				hdr = []string{"Content-Type", tc.contentType}
			}
			ev, _ := eventOf(t, f, "PUT", "/greedy/x", []byte(tc.body), hdr...)
			expect(t, ev, map[string]any{"body": tc.want, "isBase64Encoded": tc.base64, "headers.content-length": fmt.Sprint(len(tc.body))})
		})
	}
}

func TestEventV1Shape(t *testing.T) {
	f := serve(t, fixtureTemplate, "V1")
	ev, _ := eventOf(t, f, "GET", "/echo/a%20b?tag=x&tag=y", nil, "X-Multi", "1", "X-Multi", "2", "Cookie", "a=1; b=2")
	expect(t, ev, map[string]any{
		"version": "1.0", "resource": "/echo/{id}", "path": "/echo/a%20b", "httpMethod": "GET",
		"requestContext.path": "/echo/a b", "requestContext.resourceId": "GET /echo/{id}", "requestContext.resourcePath": "/echo/{id}",
		"requestContext.stage": "$default", "requestContext.identity.sourceIp": "127.0.0.1",
		"pathParameters": map[string]any{"id": "a b"}, "queryStringParameters": map[string]any{"tag": "y"},
		"multiValueQueryStringParameters": map[string]any{"tag": []any{"x", "y"}},
		"headers.x-multi":                 "2", "multiValueHeaders.x-multi": []any{"1", "2"}, "headers.cookie": "a=1; b=2",
		"body": nil, "stageVariables": nil, "isBase64Encoded": false,
	})
	if get(ev, "requestContext.extendedRequestId") != get(ev, "requestContext.requestId") {
		t.Error("extendedRequestId differs from requestId")
	}
	absent(t, ev, "cookies", "rawPath")
}

// raw asks the echo function to return result verbatim as its Lambda result.
func raw(t *testing.T, f *fixture, result string, headers ...string) reply {
	t.Helper()
	return do(t, f, "POST", "/raw", []byte(result), append([]string{"Content-Type", "application/json"}, headers...)...)
}

const internalServerError = `{"message":"Internal Server Error"}`

func TestResponseMappingV2(t *testing.T) {
	f := serve(t, fixtureTemplate, "V2")
	for _, tc := range []struct {
		name, result string
		status       int
		body, ctype  string
		header       map[string][]string
	}{
		{"status and body, default content type", `{"statusCode":201,"body":"made"}`, 201, "made", "text/plain; charset=utf-8", nil},
		{"explicit content type kept", `{"statusCode":200,"headers":{"content-type":"application/xml"},"body":"<a/>"}`, 200, "<a/>", "application/xml", nil},
		{"object without statusCode is inferred", `{"message":"hi"}`, 200, `{"message":"hi"}`, "application/json", nil},
		{"JSON string is unwrapped", `"hello"`, 200, "hello", "application/json", nil},
		{"array is inferred", `[1, 2, 3]`, 200, `[1, 2, 3]`, "application/json", nil},
		{"JSON string keeps its spaces", `"  hi "`, 200, "  hi ", "application/json", nil},
		{"statusCode 0 is a 500", `{"statusCode":0,"body":"x"}`, 500, internalServerError, "application/json", nil},
		{"fractional statusCode is a 500", `{"statusCode":200.5,"body":"x"}`, 500, internalServerError, "application/json", nil},
		{"string statusCode is a 500", `{"statusCode":"200","body":"x"}`, 500, internalServerError, "application/json", nil},
		{"array header value is a 500", `{"statusCode":200,"headers":{"set-cookie":["a=1"]}}`, 500, internalServerError, "application/json", nil},
		{"non-string body is a 500", `{"statusCode":200,"body":{"a":1}}`, 500, internalServerError, "application/json", nil},
		{"invalid base64 is a 500", `{"statusCode":200,"isBase64Encoded":true,"body":"%%%"}`, 500, internalServerError, "application/json", nil},
		{"base64 body is decoded", `{"statusCode":200,"isBase64Encoded":true,"body":"` + base64.StdEncoding.EncodeToString([]byte("bin\x00")) + `"}`, 200, "bin\x00", "text/plain; charset=utf-8", nil},
		{"missing body is empty", `{"statusCode":204}`, 204, "", "text/plain; charset=utf-8", nil},
		{"multiValueHeaders are ignored", `{"statusCode":200,"multiValueHeaders":{"X-A":["1","2"]},"body":""}`, 200, "", "text/plain; charset=utf-8", map[string][]string{"X-A": nil}},
		{"comma in a header value is one header", `{"statusCode":200,"headers":{"myheader":"a,b"}}`, 200, "", "text/plain; charset=utf-8", map[string][]string{"Myheader": {"a,b"}}},
		{"cookies become Set-Cookie, before the header", `{"statusCode":200,"cookies":["a=1; Path=/","b=2"],"headers":{"set-cookie":"c=3"}}`, 200, "", "text/plain; charset=utf-8", map[string][]string{"Set-Cookie": {"a=1; Path=/", "b=2", "c=3"}}},
		{"function Content-Length is recomputed", `{"statusCode":200,"headers":{"content-length":"999"},"body":"abc"}`, 200, "abc", "text/plain; charset=utf-8", map[string][]string{"Content-Length": {"3"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := raw(t, f, tc.result)
			if r.status != tc.status || string(r.body) != tc.body || r.header.Get("Content-Type") != tc.ctype {
				t.Errorf("got %d %q %q, want %d %q %q", r.status, r.body, r.header.Get("Content-Type"), tc.status, tc.body, tc.ctype)
			}
			for name, want := range tc.header {
				if got := r.header.Values(name); !slices.Equal(got, want) {
					t.Errorf("header %s = %q, want %q", name, got, want)
				}
			}
			if tc.status == 500 && r.header.Get("Content-Length") != "35" {
				t.Errorf("500 Content-Length = %s, want 35", r.header.Get("Content-Length"))
			}
		})
	}
}

func TestResponseMappingV1(t *testing.T) {
	f := serve(t, fixtureTemplate, "V1")
	r := raw(t, f, `{"message":"no statusCode"}`)
	if r.status != 500 || string(r.body) != internalServerError {
		t.Errorf("1.0 without statusCode: %d %s", r.status, r.body)
	}
	r = raw(t, f, `{"statusCode":200,"headers":{"Content-Type":"application/json","Combined-Header":"single-value","X-Same":"v"},`+
		`"multiValueHeaders":{"Combined-Header":["multi-value1","multi-value2"],"X-Multi":["1","2"],"X-Same":["v"]},"body":"{}"}`)
	if r.status != 200 || string(r.body) != "{}" || r.header.Get("Content-Type") != "application/json" {
		t.Errorf("1.0 response: %d %s %v", r.status, r.body, r.header)
	}
	for name, want := range map[string][]string{"Combined-Header": {"single-value", "multi-value1", "multi-value2"}, "X-Multi": {"1", "2"}, "X-Same": {"v"}} {
		if got := r.header.Values(name); !slices.Equal(got, want) {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	r = raw(t, f, `{"statusCode":200,"body":"Hello"}`)
	if r.header.Get("Content-Type") != "text/plain; charset=utf-8" {
		t.Errorf("1.0 default content type %q", r.header.Get("Content-Type"))
	}
	r = raw(t, f, `{"statusCode":200,"cookies":["a=1"],"body":""}`)
	if r.header.Get("Set-Cookie") != "" {
		t.Error("1.0 cookies field was not ignored")
	}
}

func TestFaults(t *testing.T) {
	t.Parallel() // waits for a function timeout; runs beside the other waiting tests
	f := serve(t, fixtureTemplate, "V2")
	healthy := func() {
		t.Helper()
		if r := do(t, f, "GET", "/echo/ok", nil); r.status != 200 {
			t.Fatalf("after a fault the emulator answers %d %s", r.status, r.body)
		}
	}
	for _, kind := range []string{"panic", "error", "exit", "big", "hang", "stream"} {
		t.Run(kind, func(t *testing.T) {
			start := time.Now()
			r := do(t, f, "GET", "/fault/"+kind, nil)
			if r.status != 500 || string(r.body) != internalServerError {
				t.Errorf("%s: %d %s", kind, r.status, r.body)
			}
			if kind == "hang" && time.Since(start) < 3*time.Second {
				t.Errorf("hang answered after %s, before the function's 3 s timeout", time.Since(start))
			}
			healthy()
		})
	}
	// A result that broke while it streamed is the function's error, with the
	// error the runtime put in its trailers.
	if log := waitLog(f.log, "errorString: echofn: the stream broke"); !strings.Contains(log, "errorString: echofn: the stream broke") {
		t.Errorf("the log does not report the broken stream's error:\n%s", log)
	}
	// A result that is not JSON: payload 2.0 infers a 200 with it as the body
	// (AWS passes it through unchecked); payload 1.0 has no inference: 500.
	if r := do(t, f, "GET", "/fault/malformed", nil); r.status != 200 || string(r.body) != "this is not JSON {" || r.header.Get("Content-Type") != "application/json" {
		t.Errorf("2.0 non-JSON result: %d %q %v", r.status, r.body, r.header)
	}
	if r := do(t, serve(t, fixtureTemplate, "V1"), "GET", "/fault/malformed", nil); r.status != 500 || string(r.body) != internalServerError {
		t.Errorf("1.0 non-JSON result: %d %s", r.status, r.body)
	}
	healthy()
	waitLog(f.log, "echofn: asked to panic")
	if !strings.Contains(waitLog(f.log, "Task timed out after 3.00 seconds"), "Task timed out after 3.00 seconds") || !strings.Contains(f.log.String(), "echofn: asked to panic") {
		t.Errorf("emulator log lacks the timeout or the panic:\n%s", f.log.String())
	}
}

func TestRequestTooLarge(t *testing.T) {
	f := serve(t, fixtureTemplate, "V2")
	r := do(t, f, "POST", "/greedy/big", bytes.Repeat([]byte("x"), 11*1024*1024), "Content-Type", "text/plain")
	if r.status != 413 || string(r.body) != `{"message":"Request Entity Too Large"}` {
		t.Errorf("11 MB request: %d %s", r.status, r.body)
	}
	// 7 MB fits the HTTP API limit but not Lambda's 6 MB event limit.
	r = do(t, f, "POST", "/greedy/big", bytes.Repeat([]byte("x"), 7*1024*1024), "Content-Type", "text/plain")
	if r.status != 413 {
		t.Errorf("7 MB request: %d %s", r.status, r.body)
	}
}

func TestIntegrationTimeoutIs503(t *testing.T) {
	t.Parallel() // waits for an integration timeout; runs beside the other waiting tests
	a := templateAPI(t, fixtureTemplate, "V2")
	for i := range a.Routes {
		a.Routes[i].Timeout = 300 * time.Millisecond // shorter than the function's own 3 s timeout
	}
	srv, err := New(context.Background(), a, &Options{Log: io.Discard, AccessLog: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ts := httptest.NewServer(srv)
	defer ts.Close()
	resp, err := http.Get(ts.URL + "/fault/slow")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 503 || string(b) != `{"message":"Service Unavailable"}` || resp.Header.Get("Content-Length") != "33" {
		t.Errorf("slow function behind a 300 ms integration: %d %s", resp.StatusCode, b)
	}
}

func TestClientDisconnect(t *testing.T) {
	f := serve(t, fixtureTemplate, "V2")
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", f.http.URL+"/fault/slow", nil)
	if _, err := http.DefaultClient.Do(req); err == nil {
		t.Fatal("the request finished before the client gave up")
	}
	if r := do(t, f, "GET", "/echo/after", nil); r.status != 200 {
		t.Errorf("after a client disconnect: %d", r.status)
	}
}

func TestCors(t *testing.T) {
	v1 := serve(t, fixtureTemplate, "V1")
	// No route takes OPTIONS /echo/1: API Gateway answers the preflight.
	r := do(t, v1, "OPTIONS", "/echo/1", nil, "Origin", "https://app.example", "Access-Control-Request-Method", "GET")
	want := map[string]string{
		"Access-Control-Allow-Origin": "https://app.example", "Access-Control-Allow-Methods": "GET,HEAD,POST,PUT,PATCH,DELETE",
		"Access-Control-Allow-Headers": "content-type,authorization", "Access-Control-Max-Age": "300", "Access-Control-Allow-Credentials": "true",
	}
	if r.status != 204 || len(r.body) != 0 {
		t.Errorf("preflight: %d %s", r.status, r.body)
	}
	for k, v := range want {
		if r.header.Get(k) != v {
			t.Errorf("preflight %s = %q, want %q", k, r.header.Get(k), v)
		}
	}
	r = do(t, v1, "OPTIONS", "/echo/1", nil, "Origin", "https://evil.example", "Access-Control-Request-Method", "GET")
	if r.status != 204 || r.header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("preflight from a foreign origin: %d %v", r.status, r.header)
	}
	if r := do(t, v1, "OPTIONS", "/echo/1", nil); r.status != 404 {
		t.Errorf("OPTIONS without preflight headers: %d, want 404", r.status)
	}
	// Responses: configured headers added, the function's CORS headers dropped.
	r = raw(t, v1, `{"statusCode":200,"headers":{"Access-Control-Allow-Origin":"*","X-Trace":"t"},"body":""}`, "Origin", "https://app.example")
	if r.header.Get("Access-Control-Allow-Origin") != "https://app.example" || r.header.Get("Access-Control-Expose-Headers") != "x-trace" || r.header.Get("Access-Control-Allow-Credentials") != "true" {
		t.Errorf("CORS response headers %v", r.header)
	}
	r = raw(t, v1, `{"statusCode":200,"headers":{"Access-Control-Allow-Origin":"*"},"body":""}`)
	if r.header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("without Origin the function's CORS header leaked: %v", r.header)
	}
	// With a $default route, the route takes the preflight (API Gateway does the same).
	v2 := serve(t, fixtureTemplate, "V2")
	ev, r := eventOf(t, v2, "OPTIONS", "/echo/1", nil, "Origin", "https://any.example", "Access-Control-Request-Method", "GET")
	expect(t, ev, map[string]any{"routeKey": "$default", "requestContext.http.method": "OPTIONS"})
	if r.header.Get("Access-Control-Allow-Origin") != "*" || r.header.Get("Access-Control-Allow-Methods") != "GET,HEAD,POST,PUT,PATCH,DELETE" {
		t.Errorf("CORS headers on a preflight the $default route answered: %v", r.header)
	}
}

func TestAccessLog(t *testing.T) {
	f := serve(t, fixtureTemplate, "V1")
	r := do(t, f, "GET", "/echo/logged", nil, "User-Agent", "logger/1")
	id := r.header.Get("Apigw-Requestid")
	var line map[string]string
	for _, l := range strings.Split(waitLog(f.accessLog, id), "\n") {
		if strings.Contains(l, id) {
			if err := json.Unmarshal([]byte(l), &line); err != nil {
				t.Fatalf("access log line is not JSON: %v\n%s", err, l)
			}
		}
	}
	for k, v := range map[string]string{"requestId": id, "routeKey": "GET /echo/{id}", "status": "200", "httpMethod": "GET", "path": "/echo/logged",
		"stage": "$default", "ip": "127.0.0.1", "userAgent": "logger/1", "integrationError": "-", "responseLength": fmt.Sprint(len(r.body))} {
		if line[k] != v {
			t.Errorf("access log %s = %q, want %q (line %v)", k, line[k], v, line)
		}
	}
}

func TestUnsupportedIsReported(t *testing.T) {
	tpl := `{"Resources":{
		"Api":{"Type":"AWS::ApiGatewayV2::Api","Properties":{"Name":"x","ProtocolType":"HTTP"}},
		"Stage":{"Type":"AWS::ApiGatewayV2::Stage","Properties":{"ApiId":{"Ref":"Api"},"StageName":"$default","AutoDeploy":true}},
		"Http":{"Type":"AWS::ApiGatewayV2::Integration","Properties":{"ApiId":{"Ref":"Api"},"IntegrationType":"HTTP_PROXY","IntegrationUri":"https://example.com","PayloadFormatVersion":"1.0"}},
		"R1":{"Type":"AWS::ApiGatewayV2::Route","Properties":{"ApiId":{"Ref":"Api"},"RouteKey":"GET /proxy","Target":{"Fn::Join":["",["integrations/",{"Ref":"Http"}]]}}},
		"Ext":{"Type":"AWS::ApiGatewayV2::Integration","Properties":{"ApiId":{"Ref":"Api"},"IntegrationType":"AWS_PROXY","IntegrationUri":"arn:aws:lambda:us-east-1:1:function:elsewhere","PayloadFormatVersion":"2.0"}},
		"R2":{"Type":"AWS::ApiGatewayV2::Route","Properties":{"ApiId":{"Ref":"Api"},"RouteKey":"GET /imported","Target":{"Fn::Join":["",["integrations/",{"Ref":"Ext"}]]}}},
		"R3":{"Type":"AWS::ApiGatewayV2::Route","Properties":{"ApiId":{"Ref":"Api"},"RouteKey":"GET /iam","AuthorizationType":"AWS_IAM","Target":{"Fn::Join":["",["integrations/",{"Ref":"Ext"}]]}}}
	}}`
	api := loadAPI(t, tpl)
	var problems []string
	for _, p := range api.Problems {
		problems = append(problems, p.String())
	}
	all := strings.Join(problems, "\n")
	for _, want := range []string{"R1: route GET /proxy is answered with 500: integration type HTTP_PROXY is not emulated",
		"R2: route GET /imported is answered with 500: its integration does not invoke a Lambda function of this template",
		"R3: route GET /iam is answered with 500: its integration does not invoke", "Api: IAM-authorized routes check SigV4 signatures", "no IAM policy is evaluated"} {
		if !strings.Contains(all, want) {
			t.Errorf("problems do not report %q:\n%s", want, all)
		}
	}
	srv, err := New(context.Background(), api, &Options{Log: io.Discard, AccessLog: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest("GET", "/proxy", nil))
	if rec.Code != 500 {
		t.Errorf("unsupported route answered %d", rec.Code)
	}
}

// TestQueuedRequestSurvivesProcessDeath: with one process per function, a
// request queued behind one that times out (killing the process) is served
// by a new process, not left to the integration timeout.
func TestQueuedRequestSurvivesProcessDeath(t *testing.T) {
	t.Parallel() // waits for a function timeout; runs beside the other waiting tests
	a := templateAPI(t, fixtureTemplate, "V2")
	for _, fn := range a.Functions {
		fn.Timeout = time.Second
	}
	for i := range a.Routes {
		a.Routes[i].Timeout = 8 * time.Second
	}
	srv, err := New(context.Background(), a, &Options{Concurrency: 1, Log: io.Discard, AccessLog: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ts := httptest.NewServer(srv)
	defer ts.Close()
	hang := make(chan int, 1)
	go func() {
		resp, err := http.Get(ts.URL + "/fault/hang")
		if err != nil {
			hang <- 0
			return
		}
		resp.Body.Close()
		hang <- resp.StatusCode
	}()
	time.Sleep(200 * time.Millisecond)
	start := time.Now()
	resp, err := http.Get(ts.URL + "/echo/queued")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || time.Since(start) > 5*time.Second {
		t.Errorf("queued request: %d after %s, want 200 once the hung process is replaced", resp.StatusCode, time.Since(start))
	}
	if code := <-hang; code != 500 {
		t.Errorf("hung request: %d, want 500 (function timeout)", code)
	}
}
