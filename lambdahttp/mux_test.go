package lambdahttp

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/httpapi-cdk/httpapi/route"
)

func TestPatternKey(t *testing.T) {
	for _, tc := range []struct{ pattern, want string }{
		{"GET /items/{id}", "GET /items/{id}"},
		{"GET  \t/items/{id}", "GET /items/{id}"},
		{"/items/{id}", "ANY /items/{id}"},
		{"ANY /files/{proxy+}", "ANY /files/{proxy+}"},
		{"GET /files/{path...}", "GET /files/{path+}"},
		{"/{proxy...}", "ANY /{proxy+}"},
		{"POST /items/{$}", "POST /items"},
		{"GET /{$}", "GET /"},
		{"GET /", "GET /"},
		{"/", "$default"},
		{"$default", "$default"},
	} {
		k, err := patternKey(tc.pattern)
		if err != nil || k.String() != tc.want {
			t.Errorf("patternKey(%q) = %q, %v; want %q", tc.pattern, k.String(), err, tc.want)
		}
	}
	for _, tc := range []struct{ pattern, want string }{
		{"example.com/items", `pattern "example.com/items": a host in a pattern has no API Gateway route`},
		{"GET example.com/items", "a host in a pattern"},
		{"/files/", `pattern "/files/": a pattern ending in "/" matches a subtree, which API Gateway has no route for: write "/files/{proxy...}"`},
		{"CONNECT /tunnel", `method "CONNECT" is not one of ANY, DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT`},
		{"get /items", `method "get"`},
		{"GET /files/{path...}/x", "greedy variable"},
		{"GET /a/{id}/{id}", `variable "id" appears twice`},
		{"GET /a//b", "empty segment"},
		{"", `pattern "": want "[METHOD ]/path" or "$default"`},
		{"GET", `pattern "GET": a host`},
	} {
		_, err := patternKey(tc.pattern)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("patternKey(%q): error %v, want one containing %q", tc.pattern, err, tc.want)
		}
	}
}

func TestServeMuxRegistration(t *testing.T) {
	mux := NewServeMux()
	nop := http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})
	mux.Handle("GET /items/{id}", nop)
	mux.HandleFunc("/files/{path...}", nop)
	mux.HandleRoute(route.MustParse("POST /items"), nop)
	mux.Handle("/", nop)
	want := []route.Key{route.MustParse("GET /items/{id}"), route.MustParse("ANY /files/{path+}"), route.MustParse("POST /items"), route.Default()}
	if got := mux.Keys(); !slices.Equal(got, want) {
		t.Errorf("Keys() = %v, want %v", got, want)
	}
	for _, tc := range []struct {
		name string
		f    func()
		want string
	}{
		{"duplicate", func() { mux.Handle("GET /items/{id}", nop) }, `route "GET /items/{id}" is registered twice`},
		{"same route as a ServeMux pattern", func() { mux.Handle("/files/{path...}", nop) }, `route "ANY /files/{path+}" is registered twice`},
		{"second $default", func() { mux.Handle("$default", nop) }, `route "$default" is registered twice`},
		{"nil handler", func() { mux.Handle("GET /x", nil) }, `route "GET /x" has a nil handler`},
		{"nil func", func() { mux.HandleFunc("GET /x", nil) }, `pattern "GET /x" has a nil handler`},
		{"invalid key", func() { mux.HandleRoute(route.Key{Method: "GET", Path: "x"}, nop) }, `must start with "/"`},
		{"subtree", func() { mux.Handle("/static/", nop) }, "subtree"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				p := recover()
				if p == nil || !strings.Contains(fmt.Sprint(p), tc.want) {
					t.Errorf("panic %v, want one containing %q", p, tc.want)
				}
			}()
			tc.f()
		})
	}
	if got := mux.Keys(); !slices.Equal(got, want) {
		t.Errorf("after failed registrations Keys() = %v, want %v", got, want)
	}
	if NewServeMux().Keys() != nil {
		t.Error("an empty ServeMux has keys")
	}
}

// reply returns a handler that answers name and the listed path values.
func reply(name string, vars ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s := name
		for _, v := range vars {
			s += " " + v + "=" + r.PathValue(v)
		}
		io.WriteString(w, s)
	}
}

// serve runs a plain net/http request through h.
func serve(h http.Handler, method, target string) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(method, target, nil))
	return w
}

// TestServeMuxFollowsAPIGateway tests each difference between http.ServeMux
// and API Gateway: the ServeMux does what API Gateway does.
func TestServeMuxFollowsAPIGateway(t *testing.T) {
	t.Run("greedy variable needs a non-empty remainder", func(t *testing.T) {
		std := http.NewServeMux()
		std.Handle("/files/{path...}", reply("files", "path"))
		std.Handle("/{rest...}", reply("root", "rest"))
		mux := NewServeMux()
		mux.Handle("/files/{path...}", reply("files", "path"))
		if w := serve(std, "GET", "/files"); w.Code != http.StatusTemporaryRedirect || w.Header().Get("Location") != "/files/" {
			t.Errorf("http.ServeMux /files: %d %v", w.Code, w.Header())
		}
		for target, want := range map[string]struct{ std, ours string }{
			"/files/a/b": {"files path=a/b", "files path=a/b"},
			"/files/":    {"files path=", "404"},
		} {
			if got := serve(std, "GET", target).Body.String(); got != want.std {
				t.Errorf("http.ServeMux %s: %q, want %q", target, got, want.std)
			}
			w := serve(mux, "GET", target)
			if got := w.Body.String(); (want.ours == "404") != (w.Code == 404) || want.ours != "404" && got != want.ours {
				t.Errorf("ServeMux %s: %d %q, want %q", target, w.Code, got, want.ours)
			}
		}
		// No trailing-slash redirect either.
		if w := serve(mux, "GET", "/files"); w.Code != 404 || w.Header().Get("Location") != "" {
			t.Errorf("ServeMux /files: %d %v", w.Code, w.Header())
		}
		root := NewServeMux()
		root.Handle("/{proxy...}", reply("proxy", "proxy"))
		if w := serve(root, "GET", "/"); w.Code != 404 {
			t.Errorf(`"/{proxy...}" matched "/": %d %q`, w.Code, w.Body)
		}
		if got := serve(std, "GET", "/").Body.String(); got != "root rest=" {
			t.Errorf(`http.ServeMux "/{rest...}" on "/": %q`, got)
		}
	})
	t.Run("trailing slash is ignored, no redirect", func(t *testing.T) {
		std := http.NewServeMux()
		std.Handle("GET /items/{id}", reply("item", "id"))
		if w := serve(std, "GET", "/items/7/"); w.Code != 404 {
			t.Errorf("http.ServeMux /items/7/: %d", w.Code)
		}
		mux := NewServeMux()
		mux.Handle("GET /items/{id}", reply("item", "id"))
		if w := serve(mux, "GET", "/items/7/"); w.Code != 200 || w.Body.String() != "item id=7" || w.Header().Get("Location") != "" {
			t.Errorf("ServeMux /items/7/: %d %q %v", w.Code, w.Body, w.Header())
		}
	})
	t.Run("overlapping patterns are ranked, not rejected", func(t *testing.T) {
		func() {
			defer func() {
				if recover() == nil {
					t.Error("http.ServeMux accepted overlapping patterns; the test's premise is gone")
				}
			}()
			std := http.NewServeMux()
			std.Handle("GET /a/{x}", reply("a"))
			std.Handle("GET /{y}/b", reply("b"))
		}()
		mux := NewServeMux()
		mux.Handle("GET /a/{x}", reply("a", "x"))
		mux.Handle("GET /{y}/b", reply("b", "y"))
		for target, want := range map[string]string{"/a/b": "a x=b", "/c/b": "b y=c", "/a/c": "a x=c"} {
			if got := serve(mux, "GET", target).Body.String(); got != want {
				t.Errorf("%s: %q, want %q", target, got, want)
			}
		}
	})
	t.Run("GET does not match HEAD", func(t *testing.T) {
		std := http.NewServeMux()
		std.Handle("GET /hello", reply("hello"))
		if w := serve(std, "HEAD", "/hello"); w.Code != 200 {
			t.Errorf("http.ServeMux HEAD /hello: %d", w.Code)
		}
		mux := NewServeMux()
		mux.Handle("GET /hello", reply("hello"))
		if w := serve(mux, "HEAD", "/hello"); w.Code != 405 || w.Header().Get("Allow") != "GET" {
			t.Errorf("ServeMux HEAD /hello: %d %v", w.Code, w.Header())
		}
	})
	t.Run("$default takes what no route matched, before a 405", func(t *testing.T) {
		mux := NewServeMux()
		mux.Handle("GET /hello", reply("hello"))
		mux.Handle("$default", reply("default"))
		if got := serve(mux, "POST", "/hello").Body.String(); got != "default" {
			t.Errorf("POST /hello: %q", got)
		}
		if got := serve(mux, "GET", "/elsewhere").Body.String(); got != "default" {
			t.Errorf("GET /elsewhere: %q", got)
		}
	})
	t.Run("a route key means what API Gateway makes of it", func(t *testing.T) {
		mux := NewServeMux()
		mux.Handle("GET /", reply("root"))
		if w := serve(mux, "GET", "/x"); w.Code != 404 {
			t.Errorf(`"GET /" matched /x: %d %q`, w.Code, w.Body)
		}
		if got := serve(mux, "GET", "/").Body.String(); got != "root" {
			t.Errorf("GET /: %q", got)
		}
	})
	t.Run("precedence", func(t *testing.T) {
		// API Gateway's documented example.
		mux := NewServeMux()
		mux.Handle("GET /pets/dog/1", reply("exact"))
		mux.Handle("GET /pets/dog/{id}", reply("id", "id"))
		mux.Handle("GET /pets/{proxy+}", reply("pets", "proxy"))
		mux.Handle("ANY /{proxy+}", reply("any", "proxy"))
		mux.Handle("$default", reply("default"))
		for _, tc := range []struct{ method, target, want string }{
			{"GET", "/pets/dog/1", "exact"},
			{"GET", "/pets/dog/2", "id id=2"},
			{"GET", "/pets/cat/1", "pets proxy=cat/1"},
			{"POST", "/test/5", "any proxy=test/5"},
			{"GET", "/", "default"},
		} {
			if got := serve(mux, tc.method, tc.target).Body.String(); got != tc.want {
				t.Errorf("%s %s: %q, want %q", tc.method, tc.target, got, tc.want)
			}
		}
	})
}

func TestServeMuxNotFound(t *testing.T) {
	mux := NewServeMux()
	mux.Handle("GET /hello", reply("hello"))
	mux.Handle("POST /hello", reply("hello"))
	for _, tc := range []struct {
		method, target string
		status         int
		body, allow    string
	}{
		{"DELETE", "/hello", 405, `{"message":"Method Not Allowed"}`, "GET, POST"},
		{"GET", "/nothing", 404, `{"message":"Not Found"}`, ""},
	} {
		w := serve(mux, tc.method, tc.target)
		if w.Code != tc.status || w.Body.String() != tc.body || w.Header().Get("Allow") != tc.allow || w.Header().Get("Content-Type") != "application/json" {
			t.Errorf("%s %s: %d %q %v", tc.method, tc.target, w.Code, w.Body, w.Header())
		}
	}
	if w := serve(NewServeMux(), "GET", "/"); w.Code != 404 {
		t.Errorf("empty ServeMux: %d", w.Code)
	}
	// A CORS preflight for a path of the table is answered; a plain OPTIONS is a 405.
	pre := httptest.NewRequest("OPTIONS", "/hello", nil)
	pre.Header.Set("Origin", "https://app.example")
	pre.Header.Set("Access-Control-Request-Method", "GET")
	w := httptest.NewRecorder()
	mux.ServeHTTP(w, pre)
	if w.Code != 204 || w.Body.Len() != 0 {
		t.Errorf("preflight: %d %q", w.Code, w.Body)
	}
	if w := serve(mux, "OPTIONS", "/hello"); w.Code != 405 {
		t.Errorf("plain OPTIONS: %d", w.Code)
	}
}

// TestServeMuxFromEvents: invoked from an event, the ServeMux dispatches on
// the route key API Gateway matched, and matches the path for $default.
func TestServeMuxFromEvents(t *testing.T) {
	mux := NewServeMux()
	mux.Handle("GET /items/{id}", reply("item", "id"))
	mux.Handle("GET /items/special", reply("special"))
	mux.Handle("ANY /files/{proxy+}", reply("files", "proxy"))
	mux.HandleFunc("GET /claims", func(w http.ResponseWriter, r *http.Request) {
		ev, _ := RequestFromContext(r.Context())
		json.NewEncoder(w).Encode(ev.PathParams)
	})
	b := quietBridge(nil, mux)
	for _, tc := range []struct {
		name, method, path, routeKey, stage string
		params                              map[string]string
		status                              int
		body                                string
	}{
		{"route key wins over the path", "GET", "/items/special", "GET /items/{id}", "$default", map[string]string{"id": "special"}, 200, "item id=special"},
		{"path parameters from the event", "GET", "/items/a b", "GET /items/{id}", "$default", map[string]string{"id": "a b"}, 200, "item id=a b"},
		{"$default matches the path", "GET", "/items/special", "$default", "$default", nil, 200, "special"},
		{"$default on a named stage", "GET", "/dev/items/7", "$default", "dev", nil, 200, "item id=7"},
		{"greedy through $default", "DELETE", "/files/a/b", "$default", "$default", nil, 200, "files proxy=a/b"},
		{"route key not in the table matches the path", "PUT", "/files/x", "OPTIONS /{proxy+}", "$default", nil, 200, "files proxy=x"},
		{"unknown path", "GET", "/nothing", "$default", "$default", nil, 404, `{"message":"Not Found","requestId":"req-1"}`},
		{"other method", "POST", "/items/7", "$default", "$default", nil, 405, `{"message":"Method Not Allowed","requestId":"req-1"}`},
		{"matched parameters reach the request view", "GET", "/claims", "$default", "$default", nil, 200, "null\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ev := v2Event(tc.method, tc.path, tc.routeKey)
			ev.RequestContext.Stage = tc.stage
			ev.PathParameters = tc.params
			res := invokeBridge(t, b, mustJSON(t, ev))
			if res.Status != tc.status || res.Body != tc.body {
				t.Errorf("got %d %q, want %d %q", res.Status, res.Body, tc.status, tc.body)
			}
			v1 := v1Event(tc.method, tc.path, tc.path)
			v1.RequestContext.ResourceID = tc.routeKey
			v1.RequestContext.Stage = tc.stage
			v1.PathParameters = tc.params
			if res := invokeBridge(t, b, mustJSON(t, v1)); res.Status != tc.status || res.Body != tc.body {
				t.Errorf("1.0: got %d %q, want %d %q", res.Status, res.Body, tc.status, tc.body)
			}
		})
	}
	// Path matching through $default records the parameters in the request view.
	viewMux := NewServeMux()
	viewMux.HandleFunc("GET /users/{name}", func(w http.ResponseWriter, r *http.Request) {
		ev, _ := RequestFromContext(r.Context())
		io.WriteString(w, ev.Param("name"))
	})
	if res := invokeBridge(t, quietBridge(nil, viewMux), mustJSON(t, v2Event("GET", "/users/ann", "$default"))); res.Body != "ann" {
		t.Errorf("request view's parameter: %q", res.Body)
	}
	// ServeMux.Invoke is the bridge with default options.
	ev := v2Event("GET", "/users/bob", "GET /users/{name}")
	ev.PathParameters = map[string]string{"name": "bob"}
	out, err := viewMux.Invoke(t.Context(), mustJSON(t, ev))
	if err != nil || !strings.Contains(string(out), `"body":"bob"`) {
		t.Errorf("Invoke: %s %v", out, err)
	}
}

// TestServeMuxAsPlainServer: the same ServeMux serves HTTP without any
// event in between.
func TestServeMuxAsPlainServer(t *testing.T) {
	mux := NewServeMux()
	mux.HandleFunc("GET /items/{id}", func(w http.ResponseWriter, r *http.Request) {
		_, fromEvent := RequestFromContext(r.Context())
		fmt.Fprintf(w, "item %s, from an event: %v", r.PathValue("id"), fromEvent)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	res, err := http.Get(srv.URL + "/items/7")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || string(body) != "item 7, from an event: false" {
		t.Errorf("%d %q", res.StatusCode, body)
	}
	res, err = http.Post(srv.URL+"/items/7", "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 405 || res.Header.Get("Allow") != "GET" {
		t.Errorf("POST: %d %v", res.StatusCode, res.Header)
	}
}
