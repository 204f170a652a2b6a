package local

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/httpapi-cdk/httpapi/route"
)

func TestPolicyEvaluation(t *testing.T) {
	arn := "arn:aws:execute-api:us-east-1:123456789012:abc/$default/GET/pets"
	for _, tc := range []struct {
		name   string
		policy string
		want   bool
	}{
		{"allow exact", `[{"Effect":"Allow","Resource":"` + arn + `"}]`, true},
		{"allow wildcard", `[{"Effect":"Allow","Resource":"arn:aws:execute-api:us-east-1:123456789012:abc/*/GET/*"}]`, true},
		{"allow another method", `[{"Effect":"Allow","Resource":"arn:aws:execute-api:us-east-1:123456789012:abc/*/DELETE/pets"}]`, false},
		{"deny wins", `[{"Effect":"Allow","Resource":"*"},{"Effect":"Deny","Resource":["arn:aws:execute-api:*:*:abc/*/GET/pets"]}]`, false},
		{"nothing allowed", `[]`, false},
		{"question mark", `[{"Effect":"Allow","Resource":"arn:aws:execute-api:us-east-1:123456789012:abc/$default/GET/pet?"}]`, true},
	} {
		var policy []policyStatement
		if err := json.Unmarshal([]byte(tc.policy), &policy); err != nil {
			t.Fatal(err)
		}
		if got := allows(policy, arn); got != tc.want {
			t.Errorf("%s: allows = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestAuthorizerShapes(t *testing.T) {
	s := &Server{apiID: "abc1234567", region: "us-east-1"}
	q := &request{r: httptest.NewRequest("GET", "/dev/pets/1", nil), stage: &Stage{Name: "dev"}, path: "/dev/pets/1", routePath: "/pets/1",
		route: &Route{Key: route.MustParse("GET /pets/{id}")}}
	if got, want := s.routeArn(q), "arn:aws:execute-api:us-east-1:123456789012:abc1234567/dev/GET/pets/1"; got != want {
		t.Errorf("routeArn = %s, want %s (no stage prefix in the path)", got, want)
	}
	q.authorizer = map[string]any{"lambda": map[string]any(nil)}
	b, _ := json.Marshal(q.v2())
	if !strings.Contains(string(b), `"authorizer":{"lambda":null}`) {
		t.Errorf("a Lambda authorizer without context: %s", b)
	}
}
