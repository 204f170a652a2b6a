package local

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/httpapi-cdk/httpapi/internal/localtest"
)

const productionTemplate = "../test/testdata/HttpApiProduction.template.json"

// jwt returns an unsigned token with the given claims: the emulator checks
// claims, not signatures.
func jwt(claims map[string]any) string {
	enc := func(v any) string {
		b, _ := json.Marshal(v)
		return base64.RawURLEncoding.EncodeToString(b)
	}
	return "Bearer " + enc(map[string]string{"alg": "RS256", "typ": "JWT"}) + "." + enc(claims) + ".c2lnbmF0dXJl"
}

func TestAuthorizersEndToEnd(t *testing.T) {
	f := serve(t, productionTemplate, "")
	future := time.Now().Add(time.Hour).Unix()
	good := map[string]any{"iss": "https://auth.example.com", "aud": "reference-api", "exp": future, "sub": "u1", "scope": "echo:write profile"}
	with := func(k string, v any) map[string]any {
		c := map[string]any{}
		for key, val := range good {
			c[key] = val
		}
		c[k] = v
		return c
	}
	echo := []byte(`{"message":"hi"}`)
	for _, tc := range []struct {
		name, method, path string
		body               []byte
		auth               string
		status             int
		body2              string
	}{
		{"public route", "GET", "/hello", nil, "", 200, `{"message":"Hello, world!"}`},
		{"second function, payload 1.0", "GET", "/health", nil, "", 200, `{"payloadFormat":"1.0","status":"ok"}`},
		{"JWT route without token", "GET", "/fail", nil, "", 401, `{"message":"Unauthorized"}`},
		{"JWT route with a token", "POST", "/echo", echo, jwt(good), 200, `{"message":"hi","length":2}`},
		{"expired token", "POST", "/echo", echo, jwt(with("exp", time.Now().Add(-time.Minute).Unix())), 401, `{"message":"Unauthorized"}`},
		{"wrong audience", "POST", "/echo", echo, jwt(with("aud", "someone-else")), 401, `{"message":"Unauthorized"}`},
		{"wrong issuer", "POST", "/echo", echo, jwt(with("iss", "https://evil.example")), 401, `{"message":"Unauthorized"}`},
		{"missing scope", "POST", "/echo", echo, jwt(with("scope", "profile")), 403, `{"message":"Forbidden"}`},
		{"not a JWT", "POST", "/echo", echo, "Bearer nonsense", 401, `{"message":"Unauthorized"}`},
		{"Lambda authorizer admits", "GET", "/cookies", nil, "Bearer reference-token", 200, ""},
		{"Lambda authorizer refuses", "GET", "/cookies", nil, "Bearer wrong", 403, `{"message":"Forbidden"}`},
		{"Lambda authorizer without identity", "GET", "/cookies", nil, "", 401, `{"message":"Unauthorized"}`},
		{"IAM route, unsigned", "GET", "/report", nil, "", 403, `{"message":"Missing Authentication Token"}`},
		{"$default behind JWT", "GET", "/nowhere", nil, "", 401, `{"message":"Unauthorized"}`},
		{"net/http function behind JWT, without token", "GET", "/notes/7", nil, "", 401, `{"message":"Unauthorized"}`},
		{"net/http function behind JWT", "GET", "/notes/7", nil, jwt(good), 200, "{\"id\":\"7\",\"text\":\"note 7\"}\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var hdr []string
			if tc.auth != "" {
				hdr = []string{"Authorization", tc.auth}
			}
			r := do(t, f, tc.method, tc.path, tc.body, append(hdr, "Content-Type", "application/json")...)
			if r.status != tc.status || (tc.body2 != "" && string(r.body) != tc.body2) {
				t.Errorf("got %d %s, want %d %s", r.status, r.body, tc.status, tc.body2)
			}
		})
	}
	// A refused token's 401 carries the challenge AWS documents (R-AUTH-11).
	if r := do(t, f, "POST", "/echo", echo, "Authorization", jwt(with("aud", "someone-else")), "Content-Type", "application/json"); r.header.Get("Www-Authenticate") != `Bearer scope="" error="invalid_token" error_description="the token does not have a valid audience"` {
		t.Errorf("wrong audience: %d www-authenticate %q", r.status, r.header.Get("Www-Authenticate"))
	}
	// The net/http function reads the JWT's subject from the event.
	if r := do(t, f, "POST", "/notes", []byte(`{"text":"hi"}`), "Authorization", jwt(good), "Content-Type", "application/json"); r.status != 201 || !strings.Contains(string(r.body), `"owner":"u1"`) {
		t.Errorf("POST /notes: %d %s", r.status, r.body)
	}
	if len(f.srv.config().authCache.entries) != 2 {
		t.Errorf("%d cached authorizer decisions, want 2 (one admitted, one refused token; TTL 300 s)", len(f.srv.config().authCache.entries))
	}
	var problems []string
	for _, p := range f.api.Problems {
		problems = append(problems, p.String())
	}
	if all := strings.Join(problems, "\n"); !strings.Contains(all, "IAM-authorized routes check SigV4 signatures against the credentials given to the emulator only") || !strings.Contains(all, "JWT signatures are verified only against a local key set") {
		t.Errorf("problems:\n%s", all)
	}
	// A browser preflight passes the authorizers through the OPTIONS routes the construct added.
	r := do(t, f, "OPTIONS", "/echo", nil, "Origin", "https://example.com", "Access-Control-Request-Method", "POST")
	if r.status != 204 || r.header.Get("Access-Control-Allow-Origin") != "https://example.com" || r.header.Get("Access-Control-Allow-Methods") != "GET,POST" {
		t.Errorf("preflight: %d %v", r.status, r.header)
	}
}

func TestCrossStackAssembly(t *testing.T) {
	dir := t.TempDir()
	manifest := `{"version":"1","artifacts":{
		"HttpApiShared":{"type":"aws:cloudformation:stack","properties":{"templateFile":"HttpApiShared.template.json"}},
		"HttpApiService":{"type":"aws:cloudformation:stack","properties":{"templateFile":"HttpApiService.template.json"}}}}`
	files := map[string]string{"manifest.json": manifest}
	for _, name := range []string{"HttpApiShared", "HttpApiService"} {
		b, err := os.ReadFile("../test/testdata/" + name + ".template.json")
		if err != nil {
			t.Fatal(err)
		}
		files[name+".template.json"] = string(b)
	}
	localtest.WriteFiles(t, dir, files)
	apis, err := LoadAssembly(dir)
	if err != nil {
		t.Fatal(err)
	}
	api, err := Select(apis, "HttpApiShared", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(api.Routes) != 8 || len(api.Problems) != 0 {
		t.Fatalf("shared API: %d routes, problems %v", len(api.Routes), api.Problems)
	}
	srv, err := New(context.Background(), api, &Options{Log: testWriter{t}, AccessLog: testWriter{t}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest("GET", "/hello/shared", nil))
	if rec.Code != 200 || rec.Body.String() != `{"message":"Hello, shared!"}` {
		t.Errorf("GET /hello/shared on the shared API: %d %s", rec.Code, rec.Body)
	}
}

// testWriter sends the emulator's logs to the test log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}
