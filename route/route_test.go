package route

import (
	"slices"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    Key
		wantErr string
	}{
		{in: "GET /hello", want: Key{"GET", "/hello"}},
		{in: "ANY /{proxy+}", want: Key{"ANY", "/{proxy+}"}},
		{in: "GET /", want: Key{"GET", "/"}},
		{in: "$default", want: Key{}},
		{in: "get /hello", wantErr: `method "get" is not one of`},
		{in: "FETCH /hello", wantErr: `method "FETCH"`},
		{in: "GET", wantErr: `want "METHOD /path"`},
		{in: "GET hello", wantErr: `path must start with "/"`},
		{in: "GET /hello/", wantErr: `must not end with "/"`},
		{in: "GET /a//b", wantErr: `empty segment`},
		{in: "GET /{proxy+}/x", wantErr: `must be the last segment`},
		{in: "GET /{id}/{id}", wantErr: `variable "id" appears twice`},
		{in: "GET /a{id}", wantErr: `must be a whole segment`},
		{in: "GET /{}", wantErr: `not a valid variable`},
		{in: "GET /a?b", wantErr: `not allowed`},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := Parse(tc.in)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Parse(%q) error = %v, want it to contain %q", tc.in, err, tc.wantErr)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("Parse(%q) = %#v, %v; want %#v", tc.in, got, err, tc.want)
			}
			if got.String() != tc.in {
				t.Errorf("String() = %q, want %q", got.String(), tc.in)
			}
		})
	}
}

func TestWildcard(t *testing.T) {
	for in, want := range map[string]string{
		"GET /":                "/",
		"GET /hello":           "/hello",
		"GET /items/{id}":      "/items/*",
		"GET /items/{id}/tags": "/items/*/tags",
		"ANY /files/{proxy+}":  "/files/*",
		"$default":             "",
	} {
		if got := MustParse(in).Wildcard(); got != want {
			t.Errorf("%s: Wildcard() = %q, want %q", in, got, want)
		}
	}
}

func TestVariables(t *testing.T) {
	got := MustParse("GET /a/{x}/b/{rest+}").Variables()
	if !slices.Equal(got, []string{"x", "rest"}) {
		t.Errorf("Variables() = %q", got)
	}
}

func mustTable(t *testing.T, keys ...string) *Table {
	t.Helper()
	var ks []Key
	for _, k := range keys {
		ks = append(ks, MustParse(k))
	}
	tab, err := NewTable(ks)
	if err != nil {
		t.Fatal(err)
	}
	return tab
}

func TestMatchPrecedence(t *testing.T) {
	// The table of the API Gateway developer guide, "Working with routes for HTTP APIs".
	docs := mustTable(t, "GET /pets/dog/1", "GET /pets/dog/{id}", "GET /pets/{proxy+}", "ANY /{proxy+}", "$default")
	both := mustTable(t, "GET /pets", "ANY /pets", "GET /pets/{id}", "ANY /pets/dog", "GET /")
	for _, tc := range []struct {
		name         string
		tab          *Table
		method, path string
		want         string
		params       map[string]string
	}{
		{"exact route wins", docs, "GET", "/pets/dog/1", "GET /pets/dog/1", nil},
		{"variable beats greedy", docs, "GET", "/pets/dog/2", "GET /pets/dog/{id}", map[string]string{"id": "2"}},
		{"longer greedy prefix wins", docs, "GET", "/pets/cat/1", "GET /pets/{proxy+}", map[string]string{"proxy": "cat/1"}},
		{"ANY greedy catches other methods", docs, "POST", "/test/5", "ANY /{proxy+}", map[string]string{"proxy": "test/5"}},
		{"greedy does not match root", docs, "GET", "/", "$default", nil},
		{"trailing slash is ignored", docs, "GET", "/pets/dog/1/", "GET /pets/dog/1", nil},
		{"literal compare is case-sensitive", docs, "GET", "/Pets/dog/1", "ANY /{proxy+}", map[string]string{"proxy": "Pets/dog/1"}},
		{"exact method beats ANY", both, "GET", "/pets", "GET /pets", nil},
		{"ANY takes other methods", both, "PUT", "/pets", "ANY /pets", nil},
		{"literal segment beats method", both, "GET", "/pets/dog", "ANY /pets/dog", nil},
		{"root route", both, "GET", "/", "GET /", nil},
		{"decoded value in param", both, "GET", "/pets/a b", "GET /pets/{id}", map[string]string{"id": "a b"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, ok := tc.tab.Match(tc.method, tc.path)
			if !ok {
				t.Fatalf("Match(%s %s) found nothing, want %s", tc.method, tc.path, tc.want)
			}
			if m.Key.String() != tc.want {
				t.Errorf("Match(%s %s) = %s, want %s", tc.method, tc.path, m.Key, tc.want)
			}
			if len(m.Params) != len(tc.params) {
				t.Fatalf("params = %v, want %v", m.Params, tc.params)
			}
			for k, v := range tc.params {
				if m.Params[k] != v {
					t.Errorf("param %s = %q, want %q", k, m.Params[k], v)
				}
			}
		})
	}
}

func TestMatchNone(t *testing.T) {
	tab := mustTable(t, "GET /hello", "POST /hello", "GET /items/{id}")
	if m, ok := tab.Match("DELETE", "/hello"); ok {
		t.Errorf("DELETE /hello matched %s, want no match", m.Key)
	}
	if _, ok := tab.Match("GET", "/items/"); ok {
		t.Error("GET /items/ matched, want no match: a variable needs a non-empty segment")
	}
	if got := tab.Allowed("/hello"); !slices.Equal(got, []string{"GET", "POST"}) {
		t.Errorf("Allowed(/hello) = %q", got)
	}
	if got := tab.Allowed("/nothing"); got != nil {
		t.Errorf("Allowed(/nothing) = %q, want nil", got)
	}
}

func TestNewTableRejects(t *testing.T) {
	if _, err := NewTable([]Key{MustParse("GET /a"), MustParse("GET /a")}); err == nil || !strings.Contains(err.Error(), "appears twice") {
		t.Errorf("duplicate keys: err = %v", err)
	}
	if _, err := NewTable([]Key{{Method: "GET", Path: "x"}}); err == nil {
		t.Error("invalid key accepted")
	}
}

func TestNewTableRejectsAmbiguous(t *testing.T) {
	for _, tc := range []struct{ a, b string }{
		{"GET /todos/{id}", "GET /todos/{todoId}"},
		{"ANY /{proxy+}", "ANY /{rest+}"},
		{"GET /files/{dir}/{name+}", "GET /files/{folder}/{path+}"},
	} {
		_, err := NewTable([]Key{MustParse(tc.a), MustParse("GET /other"), MustParse(tc.b)})
		if err == nil {
			t.Errorf("%s and %s: NewTable accepted both", tc.a, tc.b)
			continue
		}
		for _, want := range []string{`"` + tc.a + `"`, `"` + tc.b + `"`, "differ only in variable names"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("%s and %s: error %q does not contain %s", tc.a, tc.b, err, want)
			}
		}
	}
	// Routes API Gateway tells apart: another method, a literal against a
	// variable, a variable against a greedy variable, another length.
	mustTable(t, "GET /todos/{id}", "POST /todos/{todoId}", "GET /todos/new", "GET /todos/{id+}", "GET /todos/{id}/tags", "ANY /todos/{x}", "$default")
}

func TestAmbiguous(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"GET /a/{x}", "GET /a/{y}", true},
		{"GET /a/{x}", "GET /a/{x}", true},
		{"GET /", "GET /", true},
		{"$default", "$default", true},
		{"GET /a/{x}", "PUT /a/{y}", false},
		{"GET /a/{x}", "GET /a/{x+}", false},
		{"GET /a/{x}", "GET /a/b", false},
		{"GET /", "GET /{proxy+}", false},
		{"$default", "ANY /{proxy+}", false},
	} {
		if got := MustParse(tc.a).Ambiguous(MustParse(tc.b)); got != tc.want {
			t.Errorf("%s.Ambiguous(%s) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}

// TestExecuteAPIResources shows the two execute-api resource names of a
// route side by side: they agree except for $default, whose source ARN
// names the route while IAM evaluates the request's own method and path.
func TestExecuteAPIResources(t *testing.T) {
	for _, tc := range []struct {
		key, stage     string
		source, invoke string
	}{
		{"GET /items/{id}", "*", "*/GET/items/*", "*/GET/items/*"},
		{"GET /items/{id}", "prod", "prod/GET/items/*", "prod/GET/items/*"},
		{"ANY /x", "*", "*/*/x", "*/*/x"},
		{"GET /", "*", "*/GET/", "*/GET/"},
		{"ANY /{proxy+}", "*", "*/*/*", "*/*/*"},
		{"GET /files/{proxy+}", "$default", "$default/GET/files/*", "$default/GET/files/*"},
		{"$default", "*", "*/$default", "*/*"},
		{"$default", "prod", "prod/$default", "prod/*"},
	} {
		k := MustParse(tc.key)
		if got := k.SourceARNResource(tc.stage); got != tc.source {
			t.Errorf("%s.SourceARNResource(%q) = %q, want %q", tc.key, tc.stage, got, tc.source)
		}
		if got := k.InvokeResource(tc.stage); got != tc.invoke {
			t.Errorf("%s.InvokeResource(%q) = %q, want %q", tc.key, tc.stage, got, tc.invoke)
		}
	}
}

func TestHTTPMethods(t *testing.T) {
	got := HTTPMethods()
	if want := []string{"DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"}; !slices.Equal(got, want) {
		t.Errorf("HTTPMethods() = %q, want %q", got, want)
	}
	got[0] = "X"
	if Methods[1] != "DELETE" {
		t.Error("HTTPMethods returned Methods' own array")
	}
}
