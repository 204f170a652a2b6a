package lambdahttp

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/httpapi-cdk/httpapi/quota"
	"github.com/httpapi-cdk/httpapi/route"
)

func handle(status int, body string) HandlerFunc {
	return func(context.Context, *Request) (*Response, error) { return Text(status, body), nil }
}

func TestStagePrefixNeverReachesTheRouter(t *testing.T) {
	rt := quietRouter(t, nil, Route{Key: route.MustParse("GET /hello/{name}"), Handler: echoView}, Route{Key: route.Default(), Handler: echoView})
	for _, tc := range []struct{ stage, rawPath, routeKey, wantPath string }{
		{"dev", "/dev/hello/ann", "GET /hello/{name}", "/hello/ann"},
		{"dev", "/dev", "$default", "/"},
		{"dev", "/devices/x", "$default", "/devices/x"}, // a prefix of a segment is not the stage
		{"$default", "/hello/ann", "GET /hello/{name}", "/hello/ann"},
	} {
		ev := v2Event("GET", tc.rawPath, tc.routeKey)
		ev.RequestContext.Stage = tc.stage
		res := invoke(t, rt, mustJSON(t, ev))
		var v view
		json.Unmarshal([]byte(res.Body), &v)
		if v.Path != tc.wantPath {
			t.Errorf("stage %s, rawPath %s: router path %q, want %q", tc.stage, tc.rawPath, v.Path, tc.wantPath)
		}
	}
	// Through $default on a named stage, path matching sees the path without the stage.
	ev := v2Event("GET", "/dev/hello/bob", "$default")
	ev.RequestContext.Stage = "dev"
	var v view
	json.Unmarshal([]byte(invoke(t, rt, mustJSON(t, ev)).Body), &v)
	if v.Params["name"] != "bob" {
		t.Errorf("path params through $default on stage dev: %v", v.Params)
	}
}

func TestQueryKeepsExactValues(t *testing.T) {
	rt := quietRouter(t, nil, Route{Key: route.MustParse("GET /q"), Handler: echoView})
	ev := v2Event("GET", "/q", "GET /q")
	ev.RawQueryString = "a=1%2C2&a=3&b=x+y&c"
	ev.QueryStringParameters = map[string]string{"a": "1,2,3", "b": "x+y", "c": ""} // what API Gateway would send: ambiguous
	var v view
	json.Unmarshal([]byte(invoke(t, rt, mustJSON(t, ev)).Body), &v)
	if got := v.Query["a"]; !slices.Equal(got, []string{"1,2", "3"}) {
		t.Errorf(`a = %q, want ["1,2" "3"]`, got)
	}
	if got := v.Query["c"]; !slices.Equal(got, []string{""}) {
		t.Errorf(`c = %q, want [""]`, got)
	}
}

func TestHeadersAreCaseInsensitive(t *testing.T) {
	var seen string
	rt := quietRouter(t, nil, Route{Key: route.MustParse("GET /h"), Handler: func(_ context.Context, r *Request) (*Response, error) {
		seen = r.Header("X-Tenant") + "|" + r.Header("x-tenant") + "|" + r.Header("Accept")
		return Empty(204), nil
	}})
	ev := v2Event("GET", "/h", "GET /h")
	ev.Headers = map[string]string{"x-tenant": "acme", "Accept": "a", "accept": "b"} // as a test tool might send
	res := invoke(t, rt, mustJSON(t, ev))
	if res.Status != 204 {
		t.Fatalf("status %d", res.Status)
	}
	if seen != "acme|acme|a,b" && seen != "acme|acme|b,a" {
		t.Errorf("headers seen %q", seen)
	}
}

func TestBase64RequestBody(t *testing.T) {
	rt := quietRouter(t, nil, Route{Key: route.MustParse("POST /b"), Handler: echoView})
	ev := v2Event("POST", "/b", "POST /b")
	ev.Body, ev.IsBase64Encoded = base64.StdEncoding.EncodeToString([]byte("a=1&b=2")), true
	var v view
	json.Unmarshal([]byte(invoke(t, rt, mustJSON(t, ev)).Body), &v)
	if v.Body != "a=1&b=2" {
		t.Errorf("body %q", v.Body)
	}
	ev.Body = "%%%not base64"
	res := invoke(t, rt, mustJSON(t, ev))
	if res.Status != 400 || !strings.Contains(res.Body, "base64") || !strings.Contains(res.Body, `"requestId":"req-1"`) {
		t.Errorf("undecodable base64 body: %d %s", res.Status, res.Body)
	}
}

func TestRoutingOutcomes(t *testing.T) {
	rt := quietRouter(t, nil,
		Route{Key: route.MustParse("GET /hello"), Handler: handle(200, "get hello")},
		Route{Key: route.MustParse("POST /hello"), Handler: handle(200, "post hello")},
		Route{Key: route.MustParse("GET /items/{id}"), Handler: echoView},
		Route{Key: route.MustParse("ANY /files/{proxy+}"), Handler: handle(200, "files")},
	)
	for _, tc := range []struct {
		name, method, path, routeKey string
		status                       int
		body, allow                  string
	}{
		{"dispatch by route key", "GET", "/hello", "GET /hello", 200, "get hello", ""},
		{"route key wins over path", "POST", "/whatever", "POST /hello", 200, "post hello", ""},
		{"$default falls back to path matching", "POST", "/hello", "$default", 200, "post hello", ""},
		{"greedy through $default", "DELETE", "/files/a/b", "$default", 200, "files", ""},
		{"unknown path is 404", "GET", "/nothing", "$default", 404, `{"message":"Not Found","requestId":"req-1"}`, ""},
		{"other method is 405 with Allow", "DELETE", "/hello", "$default", 405, `{"message":"Method Not Allowed","requestId":"req-1"}`, "GET, POST"},
		{"405 for a parameterised path", "PUT", "/items/7", "$default", 405, `{"message":"Method Not Allowed","requestId":"req-1"}`, "GET"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := invoke(t, rt, mustJSON(t, v2Event(tc.method, tc.path, tc.routeKey)))
			if res.Status != tc.status || res.Body != tc.body {
				t.Errorf("got %d %q, want %d %q", res.Status, res.Body, tc.status, tc.body)
			}
			if res.Headers["Allow"] != tc.allow {
				t.Errorf("Allow = %q, want %q", res.Headers["Allow"], tc.allow)
			}
			if res.Status >= 400 && res.Headers["Content-Type"] != "application/json" {
				t.Errorf("error Content-Type = %q", res.Headers["Content-Type"])
			}
		})
	}
	// A catch-all serves unknown paths, but a known path with another method is still 405.
	withCatchAll := quietRouter(t, nil, Route{Key: route.MustParse("GET /hello"), Handler: handle(200, "hi")}, Route{Key: route.Default(), Handler: handle(418, "catch-all")})
	if res := invoke(t, withCatchAll, mustJSON(t, v2Event("GET", "/x", "$default"))); res.Status != 418 {
		t.Errorf("catch-all: %d %s", res.Status, res.Body)
	}
	if res := invoke(t, withCatchAll, mustJSON(t, v2Event("POST", "/hello", "$default"))); res.Status != 405 || res.Headers["Allow"] != "GET" {
		t.Errorf("405 with a catch-all: %d %v", res.Status, res.Headers)
	}
	// A browser preflight through the catch-all is answered 204 (API Gateway
	// adds the configured CORS headers); a plain OPTIONS is still a 405.
	preflight := v2Event("OPTIONS", "/hello", "$default")
	preflight.Headers = map[string]string{"origin": "https://app.example", "access-control-request-method": "GET"}
	if res := invoke(t, withCatchAll, mustJSON(t, preflight)); res.Status != 204 || res.Body != "" {
		t.Errorf("preflight through $default: %d %q", res.Status, res.Body)
	}
	if res := invoke(t, withCatchAll, mustJSON(t, v2Event("OPTIONS", "/hello", "$default"))); res.Status != 405 {
		t.Errorf("plain OPTIONS: %d", res.Status)
	}
	// Through an OPTIONS route the construct added (not in the table), over
	// an ANY route that would otherwise run; a table's own OPTIONS route wins.
	withAny := quietRouter(t, nil,
		Route{Key: route.MustParse("ANY /files/{proxy+}"), Handler: handle(200, "files")},
		Route{Key: route.MustParse("OPTIONS /own"), Handler: handle(200, "own options")},
		Route{Key: route.MustParse("GET /own"), Handler: handle(200, "own")})
	for path, want := range map[string]int{"/files/a": 204, "/own": 200, "/unknown": 404} {
		ev := v2Event("OPTIONS", path, "OPTIONS /files/{proxy+}")
		ev.Headers = map[string]string{"origin": "https://app.example", "access-control-request-method": "PUT"}
		if res := invoke(t, withAny, mustJSON(t, ev)); res.Status != want {
			t.Errorf("preflight %s: %d %s, want %d", path, res.Status, res.Body, want)
		}
	}
}

func TestResponseEncoding(t *testing.T) {
	png := []byte{0x89, 'P', 'N', 'G', 0, 1, 2}
	big := strings.Repeat(`{"k":"value"},`, 200) // 2.8 KB, compresses well
	rt := quietRouter(t, nil,
		Route{Key: route.MustParse("GET /json"), Handler: func(context.Context, *Request) (*Response, error) { return JSON(201, map[string]int{"a": 1}), nil }},
		Route{Key: route.MustParse("GET /text"), Handler: func(context.Context, *Request) (*Response, error) { return Text(200, "héllo"), nil }},
		Route{Key: route.MustParse("GET /png"), Handler: func(context.Context, *Request) (*Response, error) { return Binary(200, "image/png", png), nil }},
		Route{Key: route.MustParse("GET /svg"), Handler: func(context.Context, *Request) (*Response, error) {
			return Binary(200, "image/svg+xml", []byte("<svg/>")), nil
		}},
		Route{Key: route.MustParse("GET /form"), Handler: func(context.Context, *Request) (*Response, error) {
			return Binary(200, "application/x-www-form-urlencoded", []byte("a=1&b=2")), nil
		}},
		Route{Key: route.MustParse("GET /latin1"), Handler: func(context.Context, *Request) (*Response, error) {
			return Binary(200, "text/csv; charset=iso-8859-1", []byte("caf\xe9")), nil
		}},
		Route{Key: route.MustParse("GET /none"), Handler: func(context.Context, *Request) (*Response, error) {
			return &Response{Status: 200, Body: []byte("x")}, nil
		}},
		Route{Key: route.MustParse("GET /empty"), Handler: func(context.Context, *Request) (*Response, error) { return Empty(204), nil }},
		Route{Key: route.MustParse("GET /big"), Handler: func(context.Context, *Request) (*Response, error) {
			return Binary(200, "application/json", []byte(big)), nil
		}},
		Route{Key: route.MustParse("GET /cookie"), Handler: func(context.Context, *Request) (*Response, error) {
			return Empty(204).SetCookie(&http.Cookie{Name: "a", Value: "1", HttpOnly: true}).SetCookie(&http.Cookie{Name: "b", Value: "2"}).SetCookie(&http.Cookie{Name: "bad name", Value: "x"}), nil
		}},
	)
	for _, tc := range []struct {
		path    string
		status  int
		body    string
		base64  bool
		ctype   string
		cookies []string
	}{
		{"/json", 201, `{"a":1}`, false, "application/json", nil},
		{"/text", 200, "héllo", false, "text/plain; charset=utf-8", nil},
		{"/png", 200, base64.StdEncoding.EncodeToString(png), true, "image/png", nil},
		{"/svg", 200, "<svg/>", false, "image/svg+xml", nil},
		{"/form", 200, "a=1&b=2", false, "application/x-www-form-urlencoded", nil}, // a string in a response, unlike API Gateway's request events
		{"/latin1", 200, base64.StdEncoding.EncodeToString([]byte("caf\xe9")), true, "text/csv; charset=iso-8859-1", nil},
		{"/none", 200, "eA==", true, "", nil},
		{"/empty", 204, "", false, "", nil},
		{"/big", 200, big, false, "application/json", nil}, // no Accept-Encoding: not compressed
		{"/cookie", 204, "", false, "", []string{"a=1; HttpOnly", "b=2"}},
	} {
		t.Run(tc.path, func(t *testing.T) {
			for _, version := range []string{"2.0", "1.0"} {
				var event []byte
				if version == "2.0" {
					event = mustJSON(t, v2Event("GET", tc.path, "GET "+tc.path))
				} else {
					event = mustJSON(t, v1Event("GET", tc.path, tc.path))
				}
				res := invoke(t, rt, event)
				if res.Status != tc.status || res.Body != tc.body || res.IsBase64Encoded != tc.base64 || res.Headers["Content-Type"] != tc.ctype {
					t.Errorf("%s: got %d %q base64=%v %q", version, res.Status, res.Body, res.IsBase64Encoded, res.Headers["Content-Type"])
				}
				cookies := res.Cookies
				if version == "1.0" {
					cookies = res.MultiHeaders["Set-Cookie"]
					if res.Cookies != nil {
						t.Errorf("1.0 response has a cookies field")
					}
				}
				if !slices.Equal(cookies, tc.cookies) {
					t.Errorf("%s: cookies %q, want %q", version, cookies, tc.cookies)
				}
			}
		})
	}
}

func gunzip(t *testing.T, b64 string) string {
	t.Helper()
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func TestGzip(t *testing.T) {
	big := strings.Repeat("all work and no play ", 100)
	rt := quietRouter(t, nil,
		Route{Key: route.MustParse("GET /big"), Handler: func(context.Context, *Request) (*Response, error) { return Text(200, big), nil }},
		Route{Key: route.MustParse("GET /small"), Handler: func(context.Context, *Request) (*Response, error) { return Text(200, "tiny"), nil }},
		Route{Key: route.MustParse("GET /jpeg"), Handler: func(context.Context, *Request) (*Response, error) {
			return Binary(200, "image/jpeg", []byte(big)), nil
		}},
	)
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
		{"/small", "gzip", false},
		{"/jpeg", "gzip", false}, // already compressed formats are left alone
	} {
		ev := v2Event("GET", tc.path, "GET "+tc.path)
		if tc.accept != "" {
			ev.Headers["accept-encoding"] = tc.accept
		}
		res := invoke(t, rt, mustJSON(t, ev))
		if got := res.Headers["Content-Encoding"] == "gzip"; got != tc.gzipped {
			t.Errorf("%s with Accept-Encoding %q: gzipped = %v, want %v", tc.path, tc.accept, got, tc.gzipped)
			continue
		}
		if tc.gzipped {
			if !res.IsBase64Encoded || res.Headers["Vary"] != "Accept-Encoding" {
				t.Errorf("gzipped response: base64=%v Vary=%q", res.IsBase64Encoded, res.Headers["Vary"])
			}
			if got := gunzip(t, res.Body); got != big {
				t.Errorf("gunzipped body differs")
			}
		}
	}
}

func TestErrors(t *testing.T) {
	var logs bytes.Buffer
	rt := quietRouter(t, &logs,
		Route{Key: route.MustParse("GET /plain"), Handler: func(context.Context, *Request) (*Response, error) { return nil, errors.New("db password is hunter2") }},
		Route{Key: route.MustParse("GET /typed"), Handler: func(context.Context, *Request) (*Response, error) {
			return nil, Errorf(409, "order %d already exists", 7)
		}},
		Route{Key: route.MustParse("GET /wrapped"), Handler: func(context.Context, *Request) (*Response, error) {
			return nil, &Error{Status: 503, Message: "try later", Err: errors.New("pool exhausted")}
		}},
		Route{Key: route.MustParse("GET /panic"), Handler: func(context.Context, *Request) (*Response, error) { panic("boom") }},
		Route{Key: route.MustParse("GET /nil"), Handler: func(context.Context, *Request) (*Response, error) { return nil, nil }},
		Route{Key: route.MustParse("GET /status"), Handler: func(context.Context, *Request) (*Response, error) { return Empty(0), nil }},
		Route{Key: route.MustParse("GET /huge"), Handler: func(context.Context, *Request) (*Response, error) {
			return Text(200, strings.Repeat("x", MaxResponseBytes)), nil
		}},
		Route{Key: route.MustParse("GET /hugebinary"), Handler: func(context.Context, *Request) (*Response, error) {
			return Binary(200, "application/octet-stream", make([]byte, 5*1024*1024)), nil // 6.7 MB once base64-encoded
		}},
		Route{Key: route.MustParse("POST /json"), Handler: func(_ context.Context, r *Request) (*Response, error) {
			var in struct {
				Name string `json:"name"`
				Age  int    `json:"age"`
			}
			if err := r.DecodeJSON(&in); err != nil {
				return nil, err
			}
			return JSON(200, in), nil
		}},
	)
	internal := `{"message":"Internal Server Error","requestId":"req-1"}`
	for _, tc := range []struct {
		name, method, path, body string
		status                   int
		want                     string
	}{
		{"plain error is a generic 500", "GET", "/plain", "", 500, internal},
		{"typed error keeps status and message", "GET", "/typed", "", 409, `{"message":"order 7 already exists","requestId":"req-1"}`},
		{"wrapped cause is not shown", "GET", "/wrapped", "", 503, `{"message":"try later","requestId":"req-1"}`},
		{"panic is a 500", "GET", "/panic", "", 500, internal},
		{"nil response is a 500", "GET", "/nil", "", 500, internal},
		{"invalid status is a 500", "GET", "/status", "", 500, internal},
		{"response over 6 MB is a 500", "GET", "/huge", "", 500, internal},
		{"binary response over 6 MB once encoded is a 500", "GET", "/hugebinary", "", 500, internal},
		{"malformed JSON is a 400", "POST", "/json", `{"name":`, 400, `{"message":"request body is not valid JSON at byte 8: unexpected end of JSON input","requestId":"req-1"}`},
		{"JSON syntax error names the offset", "POST", "/json", `{"name" "x"}`, 400, `{"message":"request body is not valid JSON at byte 9: invalid character '\"' after object key","requestId":"req-1"}`},
		{"wrong type names the field", "POST", "/json", `{"age":"old"}`, 400, `{"message":"request body field \"age\" must be int, got string","requestId":"req-1"}`},
		{"unknown fields are ignored", "POST", "/json", `{"name":"a","nick":"x"}`, 200, `{"name":"a","age":0}`},
		{"empty body is a 400", "POST", "/json", ``, 400, `{"message":"request body is empty: want a JSON document","requestId":"req-1"}`},
		{"trailing data is a 400", "POST", "/json", `{"name":"a"} {}`, 400, `{"message":"request body is not valid JSON at byte 14: invalid character '{' after top-level value","requestId":"req-1"}`},
		{"valid JSON passes", "POST", "/json", `{"name":"a","age":3}`, 200, `{"name":"a","age":3}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ev := v2Event(tc.method, tc.path, tc.method+" "+tc.path)
			ev.Body = tc.body
			ev.Headers["content-type"] = "application/json"
			res := invoke(t, rt, mustJSON(t, ev))
			if res.Status != tc.status || res.Body != tc.want {
				t.Errorf("got %d %s\nwant %d %s", res.Status, res.Body, tc.status, tc.want)
			}
		})
	}
	for _, want := range []string{"db password is hunter2", `"panic":"boom"`, "goroutine", "exceeds Lambda's 6291456-byte limit", "handler returned neither a response nor an error", "pool exhausted"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("logs do not mention %q", want)
		}
	}
}

func TestMalformedEvents(t *testing.T) {
	rt := quietRouter(t, nil, Route{Key: route.Default(), Handler: echoView})
	for _, event := range []string{``, `null`, `[]`, `"x"`, `{"version":"2.0","requestContext":5}`, `{"headers":{"a":1}}`, `{`} {
		out, err := rt.Invoke(context.Background(), []byte(event))
		if err != nil {
			t.Errorf("%q: Invoke returned error %v", event, err)
			continue
		}
		var res result
		if err := json.Unmarshal(out, &res); err != nil || res.Status < 200 || res.Status > 599 {
			t.Errorf("%q: response %s", event, out)
		}
	}
}

func TestOneLogLinePerRequest(t *testing.T) {
	var logs bytes.Buffer
	rt := quietRouter(t, &logs, Route{Key: route.MustParse("POST /secret"), Handler: func(context.Context, *Request) (*Response, error) {
		return Text(200, "ok"), nil
	}})
	ev := v2Event("POST", "/secret", "POST /secret")
	ev.Body = "password=swordfish"
	invoke(t, rt, mustJSON(t, ev))
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	if len(lines) != 1 {
		t.Fatalf("%d log lines, want 1:\n%s", len(lines), logs.String())
	}
	var line map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &line); err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]any{"msg": "request", "level": "INFO", "requestId": "req-1", "routeKey": "POST /secret", "method": "POST", "path": "/secret", "status": float64(200)} {
		if line[key] != want {
			t.Errorf("log %s = %v, want %v", key, line[key], want)
		}
	}
	if _, ok := line["latencyMs"].(float64); !ok {
		t.Errorf("log has no latencyMs: %v", line)
	}
	if strings.Contains(logs.String(), "swordfish") {
		t.Error("the log line carries the request body")
	}
}

func TestNewRouterRejects(t *testing.T) {
	if _, err := NewRouter(nil, Route{Key: route.MustParse("GET /a"), Handler: echoView}, Route{Key: route.MustParse("GET /a"), Handler: echoView}); err == nil || !strings.Contains(err.Error(), "appears twice") {
		t.Errorf("duplicate: %v", err)
	}
	if _, err := NewRouter(nil, Route{Key: route.MustParse("GET /todos/{id}"), Handler: echoView}, Route{Key: route.MustParse("GET /todos/{todoId}"), Handler: echoView}); err == nil || !strings.Contains(err.Error(), "differ only in variable names") {
		t.Errorf("ambiguous: %v", err)
	}
	if _, err := NewRouter(nil, Route{Key: route.MustParse("GET /a")}); err == nil || !strings.Contains(err.Error(), "nil handler") {
		t.Errorf("nil handler: %v", err)
	}
	if _, err := NewRouter(nil, Route{Key: route.Key{Method: "GET", Path: "a"}, Handler: echoView}); err == nil {
		t.Error("invalid key accepted")
	}
}

// TestResponsePayloadLimit checks the router against Lambda's payload
// quota at the byte: a response that encodes to quota.PayloadBytes goes
// out, one byte more becomes a 500.
func TestResponsePayloadLimit(t *testing.T) {
	size := 1
	rt := quietRouter(t, nil, Route{Key: route.MustParse("GET /n"), Handler: func(context.Context, *Request) (*Response, error) {
		return Text(200, strings.Repeat("x", size)), nil
	}})
	event := mustJSON(t, v2Event("GET", "/n", "GET /n"))
	out, err := rt.Invoke(context.Background(), event)
	if err != nil {
		t.Fatal(err)
	}
	overhead := len(out) - size
	for _, tc := range []struct {
		size, status int
	}{
		{quota.PayloadBytes - overhead, 200},
		{quota.PayloadBytes - overhead + 1, 500},
	} {
		size = tc.size
		res := invoke(t, rt, event)
		if res.Status != tc.status {
			t.Errorf("body of %d bytes (response of %d bytes): status %d, want %d", tc.size, tc.size+overhead, res.Status, tc.status)
		}
	}
}
