package local

import (
	"encoding/json"
	"testing"
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
