package local

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/httpapi-cdk/httpapi/internal/localtest"
	"github.com/httpapi-cdk/httpapi/route"
)

// TestTokenSignerFiles: LoadTokenSigner creates the key and its key set
// once, and loads the same key afterwards.
func TestTokenSignerFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), ".local-jwt")
	s, err := LoadTokenSigner(dir)
	if err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(filepath.Join(dir, TokenKeyFile))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v, mode %v; want 0600", err, info)
	}
	doc, err := os.ReadFile(filepath.Join(dir, TokenJWKSFile))
	if err != nil {
		t.Fatal(err)
	}
	ks, err := ParseKeySet(doc)
	if err != nil || ks.Len() != 1 || ks.keys[s.KeyID()] == nil {
		t.Fatalf("jwks.json: %v, %v; want the key %s", err, ks, s.KeyID())
	}
	again, err := LoadTokenSigner(dir)
	if err != nil || again.KeyID() != s.KeyID() {
		t.Fatalf("reloaded: %v, kid %s; want the same key %s", err, again.KeyID(), s.KeyID())
	}
	tok, err := again.Sign(map[string]any{"sub": "alice"})
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(tok, ".")
	header, bad := parseJWTHeader(parts[0])
	if bad != nil {
		t.Fatalf("the token's header: %v", bad)
	}
	if err := ks.verify(parts, header); err != nil {
		t.Errorf("a token of the reloaded key does not verify against jwks.json: %v", err)
	}
	// key.pem deleted: a new key, and jwks.json follows it.
	if err := os.Remove(filepath.Join(dir, TokenKeyFile)); err != nil {
		t.Fatal(err)
	}
	fresh, err := LoadTokenSigner(dir)
	if err != nil || fresh.KeyID() == s.KeyID() {
		t.Fatalf("after deleting key.pem: %v, kid %s; want a new key", err, fresh.KeyID())
	}
	doc, _ = os.ReadFile(filepath.Join(dir, TokenJWKSFile))
	if ks, err := ParseKeySet(doc); err != nil || ks.keys[fresh.KeyID()] == nil {
		t.Errorf("jwks.json after a new key: %v; want the key %s", err, fresh.KeyID())
	}
}

// TestTokenSignerThroughJWTAuthorizer: a JWT authorizer that trusts the
// signer's key set admits its tokens, and refuses a token of another key
// or without the route's scope, printing the reason on the log.
func TestTokenSignerThroughJWTAuthorizer(t *testing.T) {
	signer, err := NewTokenSigner()
	if err != nil {
		t.Fatal(err)
	}
	other, err := NewTokenSigner()
	if err != nil {
		t.Fatal(err)
	}
	auth := &Authorizer{LogicalID: "Jwt", Type: "JWT", Issuer: "https://issuer.local", Audience: []string{"app"}}
	api := &API{LogicalID: "Api", Stages: []Stage{{Name: "$default"}},
		Routes: []Route{{Key: route.MustParse("GET /me"), Function: "Fn", PayloadFormat: "2.0", Timeout: 5 * time.Second,
			AuthorizationType: "JWT", Authorizer: auth, Scopes: []string{"read"}}},
		Functions: map[string]*Function{"Fn": {LogicalID: "Fn", GoPackage: "example.com/fn", Timeout: 5 * time.Second}}}
	log := &localtest.Buffer{}
	ok := handlerFunc(func(context.Context, []byte) ([]byte, error) { return []byte(`{"statusCode":200,"body":"ok"}`), nil })
	srv, err := New(context.Background(), api, &Options{Handlers: map[string]lambda.Handler{"Fn": ok}, JWTKeys: signer.KeySet(), Log: log, AccessLog: &localtest.Buffer{}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	claims := func(scope string) map[string]any {
		return map[string]any{"iss": "https://issuer.local", "aud": "app", "sub": "alice", "scope": scope, "exp": time.Now().Add(time.Hour).Unix()}
	}
	for _, c := range []struct {
		name   string
		s      *TokenSigner
		scope  string
		status int
		log    string
	}{
		{"signed, with the scope", signer, "read write", 200, ""},
		{"another key", other, "read", 401, "GET /me: 401: kid"},
		{"without the scope", signer, "write", 403, "GET /me: 403: the token has none of the route's scopes"},
	} {
		tok, err := c.s.Sign(claims(c.scope))
		if err != nil {
			t.Fatal(err)
		}
		req := httptest.NewRequest("GET", "/me", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if rec.Code != c.status {
			t.Errorf("%s: %d %s, want %d", c.name, rec.Code, rec.Body, c.status)
		}
		if c.log != "" {
			if got := waitLog(log, c.log); !strings.Contains(got, c.log) {
				t.Errorf("%s: the log does not say why (%q):\n%s", c.name, c.log, got)
			}
		}
	}
}
