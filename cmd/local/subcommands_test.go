package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/httpapi-cdk/httpapi/local"
)

// production is a template with a JWT authorizer (issuer
// https://auth.example.com, audience reference-api) and a route, POST
// /echo, that needs the scope echo:write.
const production = "../../test/testdata/HttpApiProduction.template.json"

// runLocal runs cmd/local with args and returns its standard output and
// error, failing the test if its exit status is not want.
func runLocal(t *testing.T, want int, args ...string) (string, string) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.Run()
	if got := cmd.ProcessState.ExitCode(); got != want {
		t.Fatalf("local %q: exit status %d, want %d\n%s%s", args, got, want, stdout.String(), stderr.String())
	}
	return stdout.String(), stderr.String()
}

// TestToken: local token mints a token from the template's JWT authorizer
// that the emulator, trusting the JWKS it writes, admits on a route that
// needs its scope; without the scope it is refused.
func TestToken(t *testing.T) {
	keys := filepath.Join(t.TempDir(), ".local-jwt")
	tok, stderr := runLocal(t, 0, "token", "-template", production, "-sub", "alice", "-scope", "echo:write", "-claim", "tenant=acme", "-claim", "level=3", "-keys", keys)
	tok = strings.TrimSpace(tok)
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %q", tok)
	}
	payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
	var claims map[string]any
	if err := json.Unmarshal(payload, &claims); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]any{"iss": "https://auth.example.com", "aud": "reference-api", "sub": "alice", "scope": "echo:write", "tenant": "acme", "level": 3.0} {
		if claims[name] != want {
			t.Errorf("claim %s = %v, want %v", name, claims[name], want)
		}
	}
	if jwks := filepath.Join(keys, "jwks.json"); !strings.Contains(stderr, "-jwks "+jwks) {
		t.Errorf("stderr does not say how to trust the key (-jwks %s):\n%s", jwks, stderr)
	}

	doc, err := os.ReadFile(filepath.Join(keys, "jwks.json"))
	if err != nil {
		t.Fatal(err)
	}
	ks, err := local.ParseKeySet(doc)
	if err != nil {
		t.Fatal(err)
	}
	apis, err := local.LoadTemplate(production, "")
	if err != nil {
		t.Fatal(err)
	}
	api := apis[0]
	handlers := map[string]lambda.Handler{}
	for id := range api.Functions {
		handlers[id] = lambda.NewHandler(func(context.Context) (map[string]any, error) {
			return map[string]any{"statusCode": 200, "body": "ok"}, nil
		})
	}
	log := &bytes.Buffer{}
	srv, err := local.New(context.Background(), api, &local.Options{Handlers: handlers, JWTKeys: ks, Log: log, AccessLog: &bytes.Buffer{}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	post := func(tok string) int {
		req := httptest.NewRequest("POST", "/echo", strings.NewReader(`{}`))
		req.Header.Set("Authorization", "Bearer "+tok)
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		return rec.Code
	}
	if got := post(tok); got != http.StatusOK {
		t.Errorf("POST /echo with the token: %d, want 200", got)
	}
	readOnly, _ := runLocal(t, 0, "token", "-template", production, "-scope", "echo:read", "-keys", keys)
	if got := post(strings.TrimSpace(readOnly)); got != http.StatusForbidden {
		t.Errorf("POST /echo with a token of another scope: %d, want 403", got)
	}
	if _, stderr := runLocal(t, 1, "token", "-template", fixture, "-api", "V2", "-keys", keys); !strings.Contains(stderr, "has no route with a JWT authorizer") {
		t.Errorf("an API without a JWT authorizer:\n%s", stderr)
	}
}

// TestEvent: local event prints the event of the route a request takes,
// in the route's payload format or the one asked for, and without a cloud
// assembly the event of a lone route.
func TestEvent(t *testing.T) {
	decode := func(out string) map[string]any {
		t.Helper()
		var ev map[string]any
		if err := json.Unmarshal([]byte(out), &ev); err != nil {
			t.Fatalf("%v:\n%s", err, out)
		}
		return ev
	}
	out, stderr := runLocal(t, 0, "event", "-template", fixture, "-api", "V2", "GET /dev/exact/7?tag=a", "-header", "X-Trace: on")
	ev := decode(out)
	rc := ev["requestContext"].(map[string]any)
	if ev["version"] != "2.0" || ev["routeKey"] != "GET /exact/{id}" || ev["rawPath"] != "/dev/exact/7" || rc["stage"] != "dev" ||
		ev["pathParameters"].(map[string]any)["id"] != "7" || ev["headers"].(map[string]any)["x-trace"] != "on" {
		t.Errorf("GET /dev/exact/7 on V2:\n%s", out)
	}
	if !strings.Contains(stderr, "route GET /exact/{id} -> EchoFunction6DF99D59 (payload 2.0)") {
		t.Errorf("stderr does not name the route:\n%s", stderr)
	}
	out, _ = runLocal(t, 0, "event", "-template", fixture, "-api", "V1", "POST /raw", "-body", `{"a":1}`)
	if ev := decode(out); ev["version"] != "1.0" || ev["resource"] != "/raw" || ev["body"] != `{"a":1}` || ev["headers"].(map[string]any)["content-type"] != "application/json" {
		t.Errorf("POST /raw on V1:\n%s", out)
	}
	if _, stderr := runLocal(t, 1, "event", "-template", fixture, "-api", "V1", "GET /nothing"); !strings.Contains(stderr, "no route of") {
		t.Errorf("a request no route takes:\n%s", stderr)
	}

	// No cloud assembly: a lone route, payload 1.0 as asked.
	cmd := exec.Command(binary, "event", "POST /todos", "-body", `{"title":"milk"}`, "-format", "1.0")
	cmd.Dir = t.TempDir()
	b, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	if ev := decode(string(b)); ev["version"] != "1.0" || ev["resource"] != "/todos" || ev["httpMethod"] != "POST" || ev["body"] != `{"title":"milk"}` {
		t.Errorf("POST /todos without a cloud assembly:\n%s", b)
	}
}

// TestInvoke: local invoke builds the function and runs it once, with the
// event of a route's request or of a file, and reports a failed
// invocation with Lambda's error payload and exit status 1.
func TestInvoke(t *testing.T) {
	t.Parallel() // it builds a function
	out, stderr := runLocal(t, 0, "invoke", "-template", fixture, "-api", "V2", "-route", "GET /echo/7?tag=a")
	var result struct {
		StatusCode int    `json:"statusCode"`
		Body       string `json:"body"`
	}
	if err := json.Unmarshal([]byte(out), &result); err != nil || result.StatusCode != 200 || !strings.Contains(result.Body, `"routeKey":"GET /echo/{id}"`) {
		t.Errorf("invoke -route GET /echo/7: %v\n%s\n%s", err, out, stderr)
	}
	event, _ := runLocal(t, 0, "event", "-template", fixture, "-api", "V2", "GET /fault/error")
	file := filepath.Join(t.TempDir(), "event.json")
	if err := os.WriteFile(file, []byte(event), 0o644); err != nil {
		t.Fatal(err)
	}
	out, stderr = runLocal(t, 1, "invoke", "-template", fixture, "-api", "V2", "-function", "Echo", "-event", file)
	if !strings.Contains(out, `"errorMessage": "echofn: asked to fail"`) || !strings.Contains(stderr, "EchoFunction6DF99D59 failed") {
		t.Errorf("invoke -function Echo with a failing event:\n%s\n%s", out, stderr)
	}
	if _, stderr := runLocal(t, 1, "invoke", "-template", fixture, "-api", "V2", "-function", "Nope", "-event", file); !strings.Contains(stderr, "its functions: EchoFunction6DF99D59") {
		t.Errorf("an unknown function:\n%s", stderr)
	}
}
