package lambdahttp

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"

	"github.com/httpapi-cdk/httpapi/route"
)

// fuzzRouter exercises every part of the toolkit: path matching with
// variables and greedy segments, the request view, JSON decoding, cookies,
// compression, panics and oversized responses.
func fuzzRouter(tb testing.TB) *Router {
	rt, err := NewRouter(&Options{Logger: slog.New(slog.DiscardHandler), CompressMinBytes: 16},
		Route{Key: route.MustParse("GET /items/{id}"), Handler: echoView},
		Route{Key: route.MustParse("ANY /files/{proxy+}"), Handler: echoView},
		Route{Key: route.MustParse("POST /json"), Handler: func(_ context.Context, r *Request) (*Response, error) {
			var v map[string]any
			if err := r.DecodeJSON(&v); err != nil {
				return nil, err
			}
			return JSON(200, v), nil
		}},
		Route{Key: route.MustParse("GET /cookie"), Handler: func(_ context.Context, r *Request) (*Response, error) {
			v, _ := r.Cookie("c")
			return Binary(200, r.Header("accept"), []byte(v)).SetHeader("X-Q", r.Query().Get("q")), nil
		}},
		Route{Key: route.MustParse("GET /panic"), Handler: func(context.Context, *Request) (*Response, error) { panic("fuzz") }},
		Route{Key: route.Default(), Handler: echoView},
	)
	if err != nil {
		tb.Fatal(err)
	}
	return rt
}

// checkResponse fails unless out is a response API Gateway accepts in the
// payload format the event asked for.
func checkResponse(t *testing.T, out []byte) {
	t.Helper()
	if len(out) > MaxResponseBytes {
		t.Fatalf("response of %d bytes exceeds Lambda's limit", len(out))
	}
	var res struct {
		StatusCode        *int                `json:"statusCode"`
		Headers           map[string]string   `json:"headers"`
		MultiValueHeaders map[string][]string `json:"multiValueHeaders"`
		Cookies           []string            `json:"cookies"`
		Body              *string             `json:"body"`
		IsBase64Encoded   bool                `json:"isBase64Encoded"`
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("response is not a JSON object of the expected shape: %v\n%s", err, out)
	}
	if res.StatusCode == nil || *res.StatusCode < 100 || *res.StatusCode > 599 {
		t.Fatalf("invalid statusCode in %s", out)
	}
	if res.IsBase64Encoded {
		if res.Body == nil {
			t.Fatalf("base64 response without body: %s", out)
		}
		if _, err := base64.StdEncoding.DecodeString(*res.Body); err != nil {
			t.Fatalf("isBase64Encoded body does not decode: %v", err)
		}
	} else if res.Body != nil && !utf8.ValidString(*res.Body) {
		t.Fatalf("text body is not UTF-8")
	}
}

func FuzzInvoke(f *testing.F) {
	f.Add([]byte(`{"version":"2.0","routeKey":"$default","rawPath":"/files/a/b","rawQueryString":"q=1&q=2","headers":{"accept-encoding":"gzip"},"requestContext":{"http":{"method":"GET"},"requestId":"r","stage":"$default"}}`))
	f.Add([]byte(`{"httpMethod":"POST","path":"/json","body":"{\"a\":[1,2]}","requestContext":{"requestId":"r","stage":"$default"}}`))
	rt := fuzzRouter(f)
	f.Fuzz(func(t *testing.T, event []byte) {
		out, err := rt.Invoke(context.Background(), event)
		if err != nil {
			t.Fatalf("Invoke returned an error: %v", err)
		}
		checkResponse(t, out)
	})
}

func FuzzRequestFields(f *testing.F) {
	f.Add(false, "GET", "/items/7", "GET /items/{id}", "dev", "q=1", "", false, "accept-encoding", "gzip", "c=1; d=2")
	f.Add(false, "POST", "/json", "POST /json", "$default", "", `{"a":1}`, false, "content-type", "application/json", "")
	f.Add(true, "GET", "/dev/cookie", "", "dev", "q=%zz", "AQID", true, "Accept", "image/png", "c=x")
	f.Add(false, "DELETE", "/files/../../etc", "$default", "$default", "a&&b==c", "\xff\xfe", false, "X", "\x00", ";;")
	f.Add(false, "GET", "/panic", "GET /panic", "$default", "", "", false, "", "", "")
	rt := fuzzRouter(f)
	f.Fuzz(func(t *testing.T, v1 bool, method, path, routeKey, stage, rawQuery, body string, b64 bool, header, value, cookie string) {
		var event []byte
		if v1 {
			ev := events.APIGatewayProxyRequest{
				HTTPMethod: method, Path: path, Body: body, IsBase64Encoded: b64,
				Headers:        map[string]string{header: value, "Cookie": cookie},
				RequestContext: events.APIGatewayProxyRequestContext{ResourceID: routeKey, Stage: stage, RequestID: "r"},
			}
			if q, err := parseQueryForV1(rawQuery); err == nil {
				ev.MultiValueQueryStringParameters = q
			}
			event, _ = json.Marshal(ev)
		} else {
			ev := events.APIGatewayV2HTTPRequest{
				Version: "2.0", RouteKey: routeKey, RawPath: path, RawQueryString: rawQuery, Body: body, IsBase64Encoded: b64,
				Headers: map[string]string{header: value}, Cookies: []string{cookie},
				RequestContext: events.APIGatewayV2HTTPRequestContext{
					RequestID: "r", Stage: stage,
					HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: method, Path: path},
				},
			}
			event, _ = json.Marshal(ev)
		}
		out, err := rt.Invoke(context.Background(), event)
		if err != nil {
			t.Fatalf("Invoke returned an error: %v", err)
		}
		checkResponse(t, out)
		if !bytes.Contains(out, []byte(`"statusCode"`)) {
			t.Fatalf("no statusCode in %s", out)
		}
	})
}

// parseQueryForV1 turns a raw query into 1.0's multi-value map.
func parseQueryForV1(raw string) (map[string][]string, error) {
	r := &Request{rawQuery: raw}
	return r.Query(), nil
}

// fuzzMux exercises the bridge and the ServeMux: route keys and path
// matching with variables and greedy segments, every part of the request,
// cookies both ways, binary and sniffed bodies, panics and oversized
// responses.
func fuzzMux() *ServeMux {
	mux := NewServeMux()
	mux.HandleFunc("GET /items/{id}", serveView)
	mux.HandleFunc("/files/{path...}", serveView)
	mux.HandleFunc("POST /json", func(w http.ResponseWriter, r *http.Request) {
		var v map[string]any
		if err := json.NewDecoder(r.Body).Decode(&v); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(v)
	})
	mux.HandleFunc("GET /cookie", func(w http.ResponseWriter, r *http.Request) {
		for _, c := range r.Cookies() {
			http.SetCookie(w, &http.Cookie{Name: c.Name, Value: c.Value, Path: r.URL.Path})
		}
		w.Header().Set("Content-Type", r.Header.Get("Accept"))
		w.Header().Set("X-Q", r.URL.Query().Get("q"))
		io.WriteString(w, r.URL.RawQuery)
	})
	mux.HandleFunc("GET /status/{code}", func(w http.ResponseWriter, r *http.Request) {
		code, _ := strconv.Atoi(r.PathValue("code"))
		w.WriteHeader(code) // panics outside 100-999, as net/http does
		w.Write([]byte(r.PathValue("code")))
	})
	mux.HandleFunc("GET /big/{n}", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.PathValue("n"))
		w.Write(make([]byte, min(max(n, 0), MaxResponseBytes+1)))
	})
	mux.HandleFunc("GET /panic", func(http.ResponseWriter, *http.Request) { panic("fuzz") })
	mux.HandleFunc("$default", serveView)
	return mux
}

// FuzzServeHTTP feeds events, the fixture events first, to a ServeMux
// through the bridge: whatever the event, Invoke answers with a response
// API Gateway accepts.
func FuzzServeHTTP(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "events", "*.json"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no fixture events: %v", err)
	}
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"version":"2.0","routeKey":"$default","rawPath":"/dev/files/a/b","rawQueryString":"q=1&q=2","cookies":["a=1","b"],"headers":{"accept":"image/png"},"requestContext":{"http":{"method":"GET"},"requestId":"r","stage":"dev"}}`))
	f.Add([]byte(`{"version":"2.0","routeKey":"GET /status/{code}","rawPath":"/status/700","pathParameters":{"code":"700"},"requestContext":{"http":{"method":"GET"},"requestId":"r","stage":"$default"}}`))
	f.Add([]byte(`{"httpMethod":"POST","path":"/json","body":"eyJhIjpbMSwyXX0=","isBase64Encoded":true,"multiValueHeaders":{"Cookie":["a=1; b=2"]},"requestContext":{"requestId":"r","stage":"$default"}}`))
	f.Add([]byte(`{"version":"2.0","routeKey":"$default","rawPath":"/cookie","rawQueryString":"q=%zz","cookies":["c=x"],"headers":{"accept":"text/plain"},"requestContext":{"http":{"method":"GET"},"requestId":"r","stage":"$default"}}`))
	f.Add([]byte(`{"httpMethod":"GET","path":"/","multiValueHeaders":{"Host":[]},"requestContext":{"requestId":"r","stage":"$default"}}`))
	f.Add([]byte(`{"version":"2.0","routeKey":"$default","rawPath":"/","headers":{"host":"a","Host":"b"},"requestContext":{"http":{"method":"GET"},"requestId":"r","stage":"$default"}}`))
	b := NewBridge(fuzzMux(), &BridgeOptions{Logger: slog.New(slog.DiscardHandler)})
	f.Fuzz(func(t *testing.T, event []byte) {
		out, err := b.Invoke(context.Background(), event)
		if err != nil {
			t.Fatalf("Invoke returned an error: %v", err)
		}
		checkResponse(t, out)
	})
}
