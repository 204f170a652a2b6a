package lambdahttp

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/httpapi-cdk/httpapi/quota"
	"github.com/httpapi-cdk/httpapi/route"
)

func handle(status int, body string) HandlerFunc {
	return func(context.Context, *Request) (*Response, error) { return Text(status, body), nil }
}

// A path whose first segment merely starts with the stage's name keeps it
// (the faithful cases, through lambdahttptest, are in gateway_test.go).
func TestStagePrefixIsAWholeSegment(t *testing.T) {
	rt := quietRouter(t, nil, Route{Key: route.Default(), Handler: echoView})
	ev := v2Event("GET", "/devices/x", "$default")
	ev.RequestContext.Stage = "dev"
	var v view
	json.Unmarshal([]byte(invoke(t, rt, mustJSON(t, ev)).Body), &v)
	if v.Path != "/devices/x" {
		t.Errorf("stage dev, rawPath /devices/x: router path %q", v.Path)
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

// The route key of the event picks the handler, whatever the path (the
// other routing outcomes, through lambdahttptest, are in gateway_test.go).
func TestRouteKeyWinsOverPath(t *testing.T) {
	rt := quietRouter(t, nil, Route{Key: route.MustParse("GET /hello"), Handler: handle(200, "get hello")},
		Route{Key: route.MustParse("POST /hello"), Handler: handle(200, "post hello")})
	res := invoke(t, rt, mustJSON(t, v2Event("POST", "/whatever", "POST /hello")))
	if res.Status != 200 || res.Body != "post hello" {
		t.Errorf("got %d %q", res.Status, res.Body)
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
		path string
		encoded
	}{
		{"/json", encoded{201, `{"a":1}`, false, "application/json", nil}},
		{"/text", encoded{200, "héllo", false, "text/plain; charset=utf-8", nil}},
		{"/png", encoded{200, base64.StdEncoding.EncodeToString(png), true, "image/png", nil}},
		{"/svg", encoded{200, "<svg/>", false, "image/svg+xml", nil}},
		{"/form", encoded{200, "a=1&b=2", false, "application/x-www-form-urlencoded", nil}}, // a string in a response, unlike API Gateway's request events
		{"/latin1", encoded{200, base64.StdEncoding.EncodeToString([]byte("caf\xe9")), true, "text/csv; charset=iso-8859-1", nil}},
		{"/none", encoded{200, "eA==", true, "", nil}},
		{"/empty", encoded{204, "", false, "", nil}},
		{"/big", encoded{200, big, false, "application/json", nil}}, // no Accept-Encoding: not compressed
		{"/cookie", encoded{204, "", false, "", []string{"a=1; HttpOnly", "b=2"}}},
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
				checkEncoded(t, version, res, tc.encoded)
			}
		})
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

// TestPayloadFormatWithoutVersion checks R-KIT-1: an event without a
// version is 2.0 when it has any field only 2.0 has, else 1.0; and the
// method is upper-case whatever the event's case, for the Router and for
// the Bridge's http.Request.
func TestPayloadFormatWithoutVersion(t *testing.T) {
	for _, tc := range []struct {
		event, version, method string
	}{
		{`{"rawPath":"/a","requestContext":{"http":{"method":"GET"}}}`, "2.0", "GET"},
		{`{"routeKey":"$default","rawQueryString":"x=1"}`, "2.0", ""},
		{`{"rawQueryString":"x=1"}`, "2.0", ""},
		{`{"cookies":["a=1"]}`, "2.0", ""},
		{`{"requestContext":{"http":{"sourceIp":"192.0.2.1","path":"/a"}}}`, "2.0", ""},
		{`{"requestContext":{"http":{"method":"get","path":"/a"}}}`, "2.0", "GET"},
		{`{"httpMethod":"post","path":"/a","resource":"/a"}`, "1.0", "POST"},
		{`{"path":"/a","requestContext":{"httpMethod":"delete"}}`, "1.0", "DELETE"},
		{`{"version":"1.0","rawPath":"/a","httpMethod":"PUT","path":"/a"}`, "1.0", "PUT"},
	} {
		req, err := ParseEvent([]byte(tc.event))
		if err != nil {
			t.Errorf("%s: %v", tc.event, err)
			continue
		}
		if req.Version != tc.version || req.Method != tc.method {
			t.Errorf("%s: version %q method %q, want %q %q", tc.event, req.Version, req.Method, tc.version, tc.method)
		}
	}
	var seen string
	b := NewBridge(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) { seen = r.Method }), nil)
	if _, err := b.Invoke(context.Background(), []byte(`{"version":"2.0","rawPath":"/a","requestContext":{"http":{"method":"patch"}}}`)); err != nil || seen != "PATCH" {
		t.Errorf("the Bridge's r.Method = %q (%v), want PATCH", seen, err)
	}
}
