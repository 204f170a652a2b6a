package lambdahttptest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/httpapi-cdk/httpapi/lambdahttp"
	"github.com/httpapi-cdk/httpapi/openapi"
)

// recorder is a T that keeps what CheckContract reports.
type recorder struct{ errors []string }

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}
func (r *recorder) Fatalf(format string, args ...any) { r.Errorf(format, args...) }

type greeting struct {
	Name string `json:"name" validate:"required,max=8"`
}

func contractRouter(t *testing.T, status int) *lambdahttp.Router {
	t.Helper()
	rt, err := lambdahttp.NewRouter(nil, lambdahttp.JSONRoute("POST /greet", func(_ context.Context, _ *lambdahttp.Request, in greeting) (greeting, error) {
		return in, nil
	}, lambdahttp.WithStatus(status)))
	if err != nil {
		t.Fatal(err)
	}
	return rt
}

var greetCases = map[string][]ContractCase{"POST /greet": {
	{Method: "POST", Target: "/greet", Body: `{"name":"ann"}`, Status: 200},
	{Method: "POST", Target: "/greet", Body: `{"name":""}`, Status: 422, Field: "name"},
}}

// TestCheckContract checks that a handler that honours its document
// passes, and that each kind of disagreement is reported.
func TestCheckContract(t *testing.T) {
	var ok recorder
	CheckContract(&ok, Contract{Handler: contractRouter(t, 200), Cases: greetCases})
	if len(ok.errors) != 0 {
		t.Errorf("a handler that honours its document: %q", ok.errors)
	}

	// The document says 201, the cases and the handler 200.
	var bad recorder
	other := contractRouter(t, 201)
	CheckContract(&bad, Contract{Handler: contractRouter(t, 200), Document: must(documentOf(other)), Cases: greetCases})
	if !contains(bad.errors, "the answer does not match the document") {
		t.Errorf("an undeclared status is not reported: %q", bad.errors)
	}

	for _, tc := range []struct {
		name  string
		cases map[string][]ContractCase
		want  string
	}{
		{"no invalid case", map[string][]ContractCase{"POST /greet": greetCases["POST /greet"][:1]}, "needs a valid and an invalid contract case"},
		{"no valid case with a body", map[string][]ContractCase{"POST /greet": {{Method: "POST", Target: "/greet", Status: 200}, greetCases["POST /greet"][1]}}, "give it a valid contract case with a body"},
		{"unknown route", map[string][]ContractCase{"POST /greet": greetCases["POST /greet"], "GET /other": nil}, "not a typed route of the handler"},
		{"wrong status", map[string][]ContractCase{"POST /greet": {greetCases["POST /greet"][0], {Method: "POST", Target: "/greet", Body: `{"name":""}`, Status: 400, Field: "name"}}}, "status 422"},
		{"wrong field", map[string][]ContractCase{"POST /greet": {greetCases["POST /greet"][0], {Method: "POST", Target: "/greet", Body: `{"name":""}`, Status: 422, Field: "x"}}}, `the error names field "name", want "x"`},
		{"valid request the document refuses", map[string][]ContractCase{"POST /greet": {greetCases["POST /greet"][0], {Method: "POST", Target: "/greet", Body: `{"name":"` + strings.Repeat("a", 9) + `"}`, Status: 200}}}, "the document's verdict on the request"},
	} {
		var r recorder
		CheckContract(&r, Contract{Handler: contractRouter(t, 200), Cases: tc.cases})
		if !contains(r.errors, tc.want) {
			t.Errorf("%s: %q does not report %q", tc.name, r.errors, tc.want)
		}
	}
}

// TestCheckContractSends415 checks that the check adds the text/plain
// request to a route with a body: a handler that accepts it fails.
func TestCheckContractSends415(t *testing.T) {
	var r recorder
	CheckContract(&r, Contract{Handler: contractRouter(t, 200), Cases: greetCases, Send: func(req *http.Request) (*http.Response, error) {
		req.Header.Set("Content-Type", "application/json") // a gateway that hides the content type
		return (&Gateway{Handler: contractRouter(t, 200)}).Do(req)
	}})
	if !contains(r.errors, "text/plain") || !contains(r.errors, "want 415") {
		t.Errorf("the 415 case is not checked: %q", r.errors)
	}
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if strings.Contains(e, s) {
			return true
		}
	}
	return false
}

// documentOf is the document CheckContract builds for src by default.
func documentOf(src openapi.Source) ([]byte, error) {
	d := openapi.NewDocument("contract", "test")
	d.AddSource(src)
	return json.Marshal(d)
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
