package openapi

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/httpapi-cdk/httpapi/route"
)

func TestAddANYAndSpecificRoutes(t *testing.T) {
	for _, order := range [][]string{{"ANY /items/{id}", "GET /items/{id}"}, {"GET /items/{id}", "ANY /items/{id}"}} {
		d := NewDocument("t", "1")
		for _, k := range order {
			d.Add(Operation{Key: route.MustParse(k)}, nil)
		}
		item := d.Paths["/items/{id}"]
		if len(item) != len(route.HTTPMethods()) {
			t.Errorf("%v: %d methods, want %d", order, len(item), len(route.HTTPMethods()))
		}
		for m, op := range item {
			want := "ANY /items/{id}"
			if m == "get" {
				want = "GET /items/{id}"
			}
			if op.Extensions[RouteKeyExtension] != want {
				t.Errorf("%v: %s documents %v, want %s", order, m, op.Extensions[RouteKeyExtension], want)
			}
			if len(op.Parameters) != 1 || op.Parameters[0].Name != "id" || !op.Parameters[0].Required {
				t.Errorf("%v: %s parameters %+v", order, m, op.Parameters)
			}
		}
	}
}

func TestAddDefaultAndGreedy(t *testing.T) {
	d := NewDocument("t", "1")
	d.Add(Operation{Key: route.Default()}, []SecurityRequirement{{"jwt": {}}})
	d.Add(Operation{Key: route.MustParse("GET /files/{proxy+}")}, nil)
	d.Add(Operation{Key: route.MustParse("GET /files-x")}, nil)
	d.Add(Operation{Key: route.MustParse("GET /files/x")}, nil)
	if len(d.Paths) != 3 {
		t.Errorf("paths %v: $default must not be a path", d.Paths)
	}
	if _, ok := d.Extensions[DefaultRouteExtension]; !ok {
		t.Errorf("no %s", DefaultRouteExtension)
	}
	op := d.Paths["/files/{proxy}"]["get"]
	if p := op.Parameters[0]; p.Name != "proxy" || p.Extensions[GreedyExtension] != true || p.Schema.Pattern != "" || !strings.Contains(p.Description, "Greedy") {
		t.Errorf("greedy parameter %+v", p)
	}
	if op.Security == nil || len(op.Security) != 0 {
		t.Errorf("a public route's security is [] (public), got %v", op.Security)
	}
	a, b := d.Paths["/files-x"]["get"].OperationID, d.Paths["/files/x"]["get"].OperationID
	if a == b {
		t.Errorf("operation ids collide: %s", a)
	}
}

func TestMarshalExtensionsAfterFields(t *testing.T) {
	d := NewDocument("t", "1")
	d.Extensions = map[string]any{"x-b": 2, "x-a": 1}
	b, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{},"x-a":1,"x-b":2}`
	if string(b) != want {
		t.Errorf("got  %s\nwant %s", b, want)
	}
}

func TestValidatedOperationAnswers(t *testing.T) {
	d := NewDocument("t", "1")
	d.Add(Operation{Key: route.MustParse("POST /x"), RequestBody: &Schema{Type: "object"}, Status: 201, Validated: true}, nil)
	op := d.Paths["/x"]["post"]
	for _, code := range []string{"201", "400", "415", "422", "500", "default"} {
		if _, ok := op.Responses[code]; !ok {
			t.Errorf("no %s answer", code)
		}
	}
	for _, code := range []string{"401", "403"} {
		if _, ok := op.Responses[code]; ok {
			t.Errorf("a public route answers %s", code)
		}
	}
	if op.Responses["422"].Ref != "#/components/responses/UnprocessableEntity" || d.Components.Responses["UnprocessableEntity"].Content["application/json"].Schema.Ref != "#/components/schemas/Error" || d.Components.Schemas["Error"] == nil {
		t.Errorf("422 does not refer to the Error schema")
	}
}

// TestPathParameterPattern checks that a non-greedy path parameter's
// string schema says it is one segment, without changing the schema the
// operation declared, and that a number's schema gets no pattern.
func TestPathParameterPattern(t *testing.T) {
	max := uint64(64)
	declared := &Schema{Type: "string", MaxLength: &max}
	d := NewDocument("t", "1")
	d.Add(Operation{Key: route.MustParse("GET /a/{name}/{n}"), Parameters: []Parameter{
		{Name: "name", In: "path", Schema: declared},
		{Name: "n", In: "path", Schema: &Schema{Type: "integer"}},
	}}, nil)
	d.Add(Operation{Key: route.MustParse("GET /b/{id}")}, nil)
	a := d.Paths["/a/{name}/{n}"]["get"].Parameters
	if a[0].Schema.Pattern != SegmentPattern || *a[0].Schema.MaxLength != 64 || declared.Pattern != "" {
		t.Errorf("string parameter %+v (declared %+v)", a[0].Schema, declared)
	}
	if a[1].Schema.Pattern != "" {
		t.Errorf("integer parameter has a pattern: %+v", a[1].Schema)
	}
	if b := d.Paths["/b/{id}"]["get"].Parameters[0]; b.Schema.Pattern != SegmentPattern || !strings.Contains(b.Description, "%2F") {
		t.Errorf("undeclared parameter %+v", b)
	}
}

// TestAPIGatewaySpelling checks that the greedy variable gets back its
// "+" in the path and the parameter, and nothing else changes.
func TestAPIGatewaySpelling(t *testing.T) {
	d := NewDocument("t", "1")
	d.Add(Operation{Key: route.MustParse("ANY /files/{proxy+}")}, nil)
	d.Add(Operation{Key: route.MustParse("GET /items/{id}")}, nil)
	b, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	out, err := APIGatewaySpelling(b)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Paths map[string]map[string]struct {
			Parameters []struct{ Name string }
		}
	}
	json.Unmarshal(out, &got)
	if len(got.Paths) != 2 || got.Paths["/items/{id}"]["get"].Parameters[0].Name != "id" {
		t.Fatalf("paths %v", got.Paths)
	}
	for m, op := range got.Paths["/files/{proxy+}"] {
		if op.Parameters[0].Name != "proxy+" {
			t.Errorf("%s /files/{proxy+}: parameter %q", m, op.Parameters[0].Name)
		}
	}
	if len(got.Paths["/files/{proxy+}"]) != len(route.HTTPMethods()) {
		t.Errorf("/files/{proxy+}: %d methods", len(got.Paths["/files/{proxy+}"]))
	}
	if _, err := APIGatewaySpelling([]byte("{")); err == nil {
		t.Errorf("no error for a document that is not JSON")
	}
}

// TestUntypedOperationAnswers checks that an untyped route declares the
// 500 answer with the Error schema, and 401 and 403 when an authorizer
// guards it; a typed route without a body declares no 415.
func TestUntypedOperationAnswers(t *testing.T) {
	d := NewDocument("t", "1")
	d.Add(Operation{Key: route.MustParse("GET /open")}, nil)
	d.Add(Operation{Key: route.MustParse("GET /guarded")}, []SecurityRequirement{{"jwt": {}}})
	d.Add(Operation{Key: route.MustParse("GET /typed/{id}"), Parameters: []Parameter{{Name: "id", In: "path", Schema: &Schema{Type: "string"}}}, Status: 200, Validated: true}, nil)
	ref := "#/components/schemas/" + ErrorSchemaName
	for path, want := range map[string][]string{
		"/open":       {"500", "default"},
		"/guarded":    {"401", "403", "500", "default"},
		"/typed/{id}": {"200", "400", "422", "500", "default"},
	} {
		var got []string
		for code, r := range d.Paths[path]["get"].Responses {
			got = append(got, code)
			if code != "default" && code[0] != '2' && d.Components.Responses[strings.TrimPrefix(r.Ref, "#/components/responses/")].Content["application/json"].Schema.Ref != ref {
				t.Errorf("%s %s: not the Error schema", path, code)
			}
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("%s: answers %v, want %v", path, got, want)
		}
	}
}

// TestGreedyAndOneSegmentRoutesOnOnePath: "GET /files/{proxy}" and a
// greedy route on the same path are two routes to API Gateway; the
// document keeps both, whichever comes first, the greedy one in API
// Gateway's spelling, and APIGatewaySpelling leaves that spelling alone.
func TestGreedyAndOneSegmentRoutesOnOnePath(t *testing.T) {
	for _, order := range [][]string{
		{"GET /files/{proxy}", "ANY /files/{proxy+}"},
		{"ANY /files/{proxy+}", "GET /files/{proxy}"},
		{"GET /files/{proxy+}", "GET /files/{proxy}", "POST /files/{proxy+}"},
	} {
		d := NewDocument("t", "1")
		for _, k := range order {
			d.Add(Operation{Key: route.MustParse(k)}, nil)
		}
		one, greedy := d.Paths["/files/{proxy}"], d.Paths["/files/{proxy+}"]
		if one == nil || greedy == nil || one["get"] == nil || greedy["get"] == nil {
			t.Fatalf("%v: paths %v", order, keysOf(d.Paths))
		}
		if got := one["get"].Extensions[RouteKeyExtension]; got != "GET /files/{proxy}" {
			t.Errorf("%v: the one-segment path's GET is %v", order, got)
		}
		for m, o := range greedy {
			if k, _ := o.Extensions[RouteKeyExtension].(string); !strings.Contains(k, "{proxy+}") {
				t.Errorf("%v: %s under the greedy path is %s", order, m, k)
			}
			if len(o.Parameters) != 1 || o.Parameters[0].Name != "proxy+" {
				t.Errorf("%v: %s parameters %+v, want proxy+", order, m, o.Parameters)
			}
		}
		b, err := json.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		spelled, err := APIGatewaySpelling(b)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(spelled), "proxy++") || !strings.Contains(string(spelled), `"/files/{proxy}"`) {
			t.Errorf("%v: APIGatewaySpelling: %s", order, spelled)
		}
	}
}

func keysOf[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
