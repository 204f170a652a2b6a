package local

import (
	"encoding/json"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

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
	s := &Server{apiID: "abc1234567"}
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

// TestJWTClaimsShape: a JWT authorizer passes every claim on as a string
// (JSON-encoding the others) with the scopes, under authorizer.jwt in 2.0
// and authorizer in 1.0 (docs/api-gateway-behavior.md R-AUTH-4).
func TestJWTClaimsShape(t *testing.T) {
	s := &Server{apiID: "abc1234567"}
	q := &request{r: httptest.NewRequest("GET", "/pets/1", nil), stage: &Stage{Name: "$default"}, path: "/pets/1", routePath: "/pets/1",
		route: &Route{Key: route.MustParse("GET /pets/{id}")}}
	token := jwt(map[string]any{"iss": "https://issuer.example", "aud": "api", "exp": time.Now().Add(time.Hour).Unix(), "sub": "u1", "groups": []string{"a", "b"}, "scope": "read write"})
	if resp := s.authorizeJWT(q, &Authorizer{Type: "JWT", Issuer: "https://issuer.example", Audience: []string{"api"}}, token); resp != nil {
		t.Fatalf("token refused: %d %s (%s)", resp.status, resp.body, resp.authErr)
	}
	var v2 struct {
		RequestContext struct {
			Authorizer struct {
				JWT struct {
					Claims map[string]any `json:"claims"`
					Scopes []string       `json:"scopes"`
				} `json:"jwt"`
			} `json:"authorizer"`
		} `json:"requestContext"`
	}
	b, _ := json.Marshal(q.v2())
	if err := json.Unmarshal(b, &v2); err != nil {
		t.Fatal(err)
	}
	got := v2.RequestContext.Authorizer.JWT
	if got.Claims["sub"] != "u1" || got.Claims["groups"] != `["a","b"]` || !slices.Equal(got.Scopes, []string{"read", "write"}) {
		t.Errorf("2.0 authorizer.jwt = %+v", got)
	}
	if _, ok := got.Claims["exp"].(string); !ok {
		t.Errorf("2.0 exp claim %v is not a string", got.Claims["exp"])
	}
	var v1 struct {
		RequestContext struct {
			Authorizer struct {
				Claims map[string]any `json:"claims"`
				Scopes []string       `json:"scopes"`
			} `json:"authorizer"`
		} `json:"requestContext"`
	}
	b, _ = json.Marshal(q.v1())
	if err := json.Unmarshal(b, &v1); err != nil {
		t.Fatal(err)
	}
	if v1.RequestContext.Authorizer.Claims["sub"] != "u1" || !slices.Equal(v1.RequestContext.Authorizer.Scopes, []string{"read", "write"}) {
		t.Errorf("1.0 authorizer = %+v", v1.RequestContext.Authorizer)
	}
}
