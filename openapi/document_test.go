package openapi

import (
	"encoding/json"
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
	op := d.Paths["/files/{proxy+}"]["get"]
	if op.Parameters[0].Name != "proxy+" || !strings.Contains(op.Parameters[0].Description, "Greedy") {
		t.Errorf("greedy parameter %+v", op.Parameters[0])
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
	for _, code := range []string{"201", "400", "422", "default"} {
		if _, ok := op.Responses[code]; !ok {
			t.Errorf("no %s answer", code)
		}
	}
	if op.Responses["422"].Content["application/json"].Schema.Ref != "#/components/schemas/Error" || d.Components.Schemas["Error"] == nil {
		t.Errorf("422 does not refer to the Error schema")
	}
}
