package app

import (
	"strings"
	"testing"

	"github.com/httpapi-cdk/httpapi/lambdahttp/lambdahttptest"
)

// TestContract checks that the reference router does what its typed
// routes declare: each sent a valid and an invalid request, the answers
// validated against the OpenAPI document of its own operations.
func TestContract(t *testing.T) {
	lambdahttptest.CheckContract(t, lambdahttptest.Contract{
		Handler: router(),
		Cases: map[string][]lambdahttptest.ContractCase{
			"GET /hello/{name}": {
				{Method: "GET", Target: "/hello/ann", Status: 200},
				{Method: "GET", Target: "/hello/" + strings.Repeat("n", 65), Status: 422, Field: "name"},
			},
			"POST /echo": {
				{Method: "POST", Target: "/echo", Body: `{"message":"hi","repeat":2}`, Status: 200},
				{Method: "POST", Target: "/echo", Body: `{"message":"hi","repeat":"x"}`, Status: 400, Field: "repeat"},
			},
			"GET /report": {
				{Method: "GET", Target: "/report?days=2", Status: 200},
				{Method: "GET", Target: "/report?days=0", Status: 422, Field: "days"},
			},
		},
	})
}

// TestNotesContract does the same for the net/http notes function.
func TestNotesContract(t *testing.T) {
	lambdahttptest.CheckContract(t, lambdahttptest.Contract{
		Handler: NotesMux(),
		Cases: map[string][]lambdahttptest.ContractCase{
			"GET /notes/{id}": {
				{Method: "GET", Target: "/notes/7", Status: 200},
				{Method: "GET", Target: "/notes/" + strings.Repeat("7", 65), Status: 422, Field: "id"},
			},
			"POST /notes": {
				{Method: "POST", Target: "/notes", Body: `{"text":"buy milk"}`, Status: 201},
				{Method: "POST", Target: "/notes", Body: `{"text":7}`, Status: 400, Field: "text"},
			},
		},
		Authorizer: &lambdahttptest.Authorizer{JWTClaims: map[string]string{"sub": "u-1"}},
	})
}
