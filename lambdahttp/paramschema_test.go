package lambdahttp_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/httpapi-cdk/httpapi/lambdahttp"
	"github.com/httpapi-cdk/httpapi/lambdahttp/lambdahttptest"
	"github.com/httpapi-cdk/httpapi/openapi"
)

// paramsIn has a parameter of every kind a typed route parses, none
// required but the path's, each with rules whose bounds exclude zero.
type paramsIn struct {
	ID    int     `path:"id" validate:"min=1,max=100"`
	Page  int     `query:"page" validate:"min=1"`
	Size  uint8   `query:"size" validate:"min=1,max=50"`
	Ratio float64 `query:"ratio" validate:"min=0.5,max=2"`
	Name  string  `query:"name" validate:"min=2,max=5"`
	Kind  string  `query:"kind" validate:"oneof=a b"`
	Level int     `query:"level" validate:"oneof=2 3"`
	Ptr   *int    `query:"ptr" validate:"min=-3,max=-1"`
}

// candidates derives values to send for a parameter from its schema: each
// bound, one past it, zero, the empty value, every enum value and one that
// is not.
func candidates(s *openapi.Schema) []string {
	out := []string{"0", ""}
	num := func(f float64) string {
		if s.Type == "integer" {
			return strconv.FormatInt(int64(f), 10)
		}
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	step := 1.0
	if s.Type == "number" {
		step = 0.25
	}
	if s.Minimum != nil {
		out = append(out, num(*s.Minimum), num(*s.Minimum-step))
	}
	if s.Maximum != nil {
		out = append(out, num(*s.Maximum), num(*s.Maximum+step))
	}
	if s.MinLength != nil {
		out = append(out, strings.Repeat("x", int(*s.MinLength)), strings.Repeat("x", max(int(*s.MinLength)-1, 0)))
	}
	if s.MaxLength != nil {
		out = append(out, strings.Repeat("x", int(*s.MaxLength)), strings.Repeat("x", int(*s.MaxLength)+1))
	}
	for _, e := range s.Enum {
		out = append(out, strings.Trim(string(must(json.Marshal(e))), `"`))
	}
	if len(s.Enum) > 0 {
		out = append(out, "zz", "9")
	}
	return out
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// wireValue is the value a parameter's schema describes for raw, as an
// OpenAPI validator reads a parameter (a number for integer and number
// schemas), or false when raw is not of the schema's type.
func wireValue(s *openapi.Schema, raw string) (any, bool) {
	switch s.Type {
	case "integer":
		n, err := strconv.ParseInt(raw, 10, 64)
		return float64(n), err == nil
	case "number":
		f, err := strconv.ParseFloat(raw, 64)
		return f, err == nil
	}
	return raw, true
}

// TestParametersAgreeWithTheirSchema derives requests from the OpenAPI
// schema of each parameter of a typed route and checks that the handler
// accepts exactly those whose value the schema admits, as an independent
// OpenAPI validator (kin-openapi) judges it: a parameter that was sent is
// checked, its zero value included.
func TestParametersAgreeWithTheirSchema(t *testing.T) {
	rt, err := lambdahttp.NewRouter(quiet,
		lambdahttp.JSONRoute("GET /items/{id}", func(_ context.Context, _ *lambdahttp.Request, in paramsIn) (string, error) { return "ok", nil }))
	if err != nil {
		t.Fatal(err)
	}
	mux := lambdahttp.NewServeMux()
	lambdahttp.HandleJSON(mux, "GET /items/{id}", func(_ *http.Request, in paramsIn) (string, error) { return "ok", nil })
	op := rt.Operations()[0]
	if len(op.Parameters) != 8 {
		t.Fatalf("%d parameters described, want 8", len(op.Parameters))
	}
	checked := 0
	for _, p := range op.Parameters {
		var schema openapi3.Schema
		if err := json.Unmarshal(must(json.Marshal(p.Schema)), &schema); err != nil {
			t.Fatal(err)
		}
		for _, raw := range candidates(p.Schema) {
			v, typed := wireValue(p.Schema, raw)
			want := typed && schema.VisitJSON(v) == nil
			target := "/items/5?" + url.Values{p.Name: {raw}}.Encode()
			if p.In == "path" {
				if raw == "" {
					continue // no request has an empty path segment
				}
				target = "/items/" + url.PathEscape(raw)
			}
			for name, h := range map[string]any{"JSONRoute": rt, "HandleJSON": mux} {
				gw := &lambdahttptest.Gateway{Handler: h.(interface {
					Invoke(context.Context, []byte) ([]byte, error)
				})}
				resp, err := gw.Do(httptest.NewRequest("GET", target, nil))
				if err != nil {
					t.Fatal(err)
				}
				if got := resp.StatusCode == 200; got != want {
					t.Errorf("%s: %s parameter %s=%q: accepted %v (status %d), the schema %s says %v",
						name, p.In, p.Name, raw, got, resp.StatusCode, must(json.Marshal(p.Schema)), want)
				}
				checked++
			}
		}
	}
	if checked < 50 {
		t.Errorf("only %d requests checked", checked)
	}
}
