package test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"

	"github.com/httpapi-cdk/httpapi/function/app"
	"github.com/httpapi-cdk/httpapi/lambdahttp"
	"github.com/httpapi-cdk/httpapi/local"
	"github.com/httpapi-cdk/httpapi/stacks"
)

// quiet makes the routers log nowhere.
var quiet = &lambdahttp.Options{Logger: slog.New(slog.DiscardHandler)}

// TestReferenceAPIInProcess serves the reference stack, synthesized by this
// test binary, with its function running in the test process: routes,
// stages and CORS as deployed, without `cdk synth`, a build or a process.
func TestReferenceAPIInProcess(t *testing.T) {
	stack := reference(t, "HttpApiReference")
	apis, err := local.ParseTemplate(templateJSON(t, stack.Stack), *stack.StackName())
	if err != nil {
		t.Fatal(err)
	}
	srv, err := local.New(context.Background(), apis[0], &local.Options{
		Handlers:  map[string]lambda.Handler{stacks.FunctionPackage: app.Router(quiet)},
		AccessLog: io.Discard,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()

	for _, tc := range []struct {
		method, target, body string
		status               int
		want                 string
	}{
		{"GET", "/hello", "", 200, `{"message":"Hello, world!"}`},
		{"GET", "/dev/hello/Ann", "", 200, `{"message":"Hello, Ann!"}`}, // stage dev
		{"POST", "/echo", `{"message":"hi","repeat":2}`, 200, `{"message":"hihi","length":4}`},
		{"GET", "/nowhere", "", 404, `{"message":"no route for GET /nowhere","requestId":"`}, // the function's $default route
	} {
		req := httptest.NewRequest(tc.method, tc.target, strings.NewReader(tc.body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Origin", "https://example.com")
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if rec.Code != tc.status || !strings.HasPrefix(rec.Body.String(), tc.want) {
			t.Errorf("%s %s: %d %s, want %d %s", tc.method, tc.target, rec.Code, rec.Body, tc.status, tc.want)
		}
		if got := rec.Header().Get("Access-Control-Allow-Origin"); got != "https://example.com" {
			t.Errorf("%s %s: CORS origin %q, want the stack's https://example.com", tc.method, tc.target, got)
		}
	}
}

// TestProductionAPIInProcess serves the production variant in process: its
// JWT authorizer checks claims and scopes, its Lambda authorizer and
// second function run as handlers of the test, its IAM route is reported
// as not emulated.
func TestProductionAPIInProcess(t *testing.T) {
	stack := reference(t, "HttpApiProduction")
	apis, err := local.ParseTemplate(templateJSON(t, stack.Stack), *stack.StackName())
	if err != nil {
		t.Fatal(err)
	}
	// A stand-in for the reference authorizer (a main package): it admits one token.
	authorizer := lambda.NewHandler(func(ev events.APIGatewayV2CustomAuthorizerV2Request) (events.APIGatewayV2CustomAuthorizerSimpleResponse, error) {
		ok := len(ev.IdentitySource) == 1 && ev.IdentitySource[0] == "Bearer reference-token"
		return events.APIGatewayV2CustomAuthorizerSimpleResponse{IsAuthorized: ok, Context: map[string]any{"tenant": "t1"}}, nil
	})
	srv, err := local.New(context.Background(), apis[0], &local.Options{
		Handlers: map[string]lambda.Handler{
			stacks.FunctionPackage:   app.Router(quiet),
			stacks.HealthPackage:     app.HealthRouter(quiet),
			stacks.AuthorizerPackage: authorizer,
			stacks.NotesPackage:      app.NotesMux(),
		},
		AccessLog: io.Discard,
		Log:       io.Discard,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()

	token := func(claims map[string]any) string {
		enc := func(v any) string { b, _ := json.Marshal(v); return base64.RawURLEncoding.EncodeToString(b) }
		return "Bearer " + enc(map[string]string{"alg": "RS256"}) + "." + enc(claims) + ".c2ln"
	}
	claims := map[string]any{"iss": "https://auth.example.com", "aud": "reference-api", "exp": time.Now().Add(time.Hour).Unix(), "scope": "echo:write"}
	for _, tc := range []struct {
		name, method, target, auth string
		status                     int
	}{
		{"public route", "GET", "/hello", "", 200},
		{"second function, payload 1.0", "GET", "/health", "", 200},
		{"JWT route without a token", "POST", "/echo", "", 401},
		{"JWT route with a token", "POST", "/echo", token(claims), 200},
		{"token of another audience", "POST", "/echo", token(map[string]any{"iss": "https://auth.example.com", "aud": "other", "exp": time.Now().Add(time.Hour).Unix(), "scope": "echo:write"}), 401},
		{"token without the route's scope", "POST", "/echo", token(map[string]any{"iss": "https://auth.example.com", "aud": "reference-api", "exp": time.Now().Add(time.Hour).Unix()}), 403},
		{"token without exp", "POST", "/echo", token(map[string]any{"iss": "https://auth.example.com", "aud": "reference-api", "scope": "echo:write"}), 401},
		{"Lambda authorizer admits", "GET", "/cookies", "Bearer reference-token", 200},
		{"Lambda authorizer refuses", "GET", "/cookies", "Bearer wrong", 403},
		{"IAM route, unsigned", "GET", "/report", "", 403},
		{"net/http function without a token", "GET", "/notes/7", "", 401},
		{"net/http function reads the JWT subject", "POST", "/notes", token(map[string]any{"iss": "https://auth.example.com", "aud": "reference-api", "sub": "u1", "exp": time.Now().Add(time.Hour).Unix()}), 201},
	} {
		req := httptest.NewRequest(tc.method, tc.target, strings.NewReader(`{"message":"hi","text":"hi"}`))
		req.Header.Set("Content-Type", "application/json")
		if tc.auth != "" {
			req.Header.Set("Authorization", tc.auth)
		}
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if rec.Code != tc.status {
			t.Errorf("%s: %s %s: %d %s, want %d", tc.name, tc.method, tc.target, rec.Code, rec.Body, tc.status)
		}
		if tc.target == "/notes" && tc.status == http.StatusCreated && !strings.Contains(rec.Body.String(), `"owner":"u1"`) {
			t.Errorf("%s: %s", tc.name, rec.Body)
		}
		if tc.target == "/health" && !strings.Contains(rec.Body.String(), `"payloadFormat":"1.0"`) {
			t.Errorf("%s: %s", tc.name, rec.Body)
		}
		if tc.status == http.StatusOK && tc.target == "/cookies" && !strings.HasPrefix(rec.Header().Get("Set-Cookie"), "visits=1") {
			t.Errorf("%s: Set-Cookie %q", tc.name, rec.Header().Get("Set-Cookie"))
		}
	}
}
