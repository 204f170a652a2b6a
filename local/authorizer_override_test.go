package local

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/httpapi-cdk/httpapi/internal/localtest"
)

// cdkCognito is the JwtConfiguration the CDK's user pool authorizer
// writes for a pool and a client of the stack: neither id exists before
// deployment.
const cdkCognito = `{"Audience": [{"Ref": "PoolClient"}], "Issuer": {"Fn::Join": ["", ["https://cognito-idp.", {"Ref": "AWS::Region"}, ".amazonaws.com/", {"Ref": "Pool"}]]}}`

// A Cognito user pool authorizer given an issuer, an audience and a key
// set for local use admits the tokens minted locally with them and
// refuses any other; given only part of what it cannot know, it still
// refuses every request (docs/api-gateway-behavior.md R-AUTH-13).
func TestCognitoAuthorizerLocal(t *testing.T) {
	key, _, ks := keysAndSet(t, "local")
	const issuer = "https://cognito.local/pool"
	future := time.Now().Add(time.Hour).Unix()
	access := map[string]any{"iss": issuer, "client_id": "local-client", "exp": future, "token_use": "access", "sub": "u1"}
	other := map[string]any{"iss": "https://evil.example", "client_id": "local-client", "exp": future}
	full := JWTAuthorizer{Issuer: issuer, Audience: []string{"local-client"}, Keys: ks}
	for _, tc := range []struct {
		name   string
		given  map[string]JWTAuthorizer
		auth   string
		status int
		log    string // the access log line's start: status and $context.authorizer.error
	}{
		{"locally minted token", map[string]JWTAuthorizer{"Auth": full}, signedJWT(t, "RS256", "local", key, access), 200, "200 -"},
		{"by Name", map[string]JWTAuthorizer{"CognitoAuth": full}, signedJWT(t, "RS256", "local", key, access), 200, "200 -"},
		{"unsigned token", map[string]JWTAuthorizer{"Auth": full}, jwt(access), 401, `401 kid \"\" names no key of the key set`},
		{"another issuer's token", map[string]JWTAuthorizer{"Auth": full}, signedJWT(t, "RS256", "local", key, other), 401, `401 issuer \"https://evil.example\" is not`},
		{"issuer only: the audience stays unknown", map[string]JWTAuthorizer{"Auth": {Issuer: issuer, Keys: ks}}, signedJWT(t, "RS256", "local", key, access), 401,
			"401 its audience cannot be known before deployment"},
		{"audience only: the issuer stays unknown", map[string]JWTAuthorizer{"Auth": {Audience: []string{"local-client"}}}, jwt(access), 401,
			"401 its issuer cannot be known before deployment"},
		{"nothing given", nil, signedJWT(t, "RS256", "local", key, access), 401, "401 its issuer cannot be known before deployment"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			api := loadAPI(t, strings.Replace(apiTemplate(cdkCognito), `"Name": "Auth"`, `"Name": "CognitoAuth"`, 1))
			accessLog := &localtest.Buffer{}
			srv, err := New(context.Background(), api, &Options{Log: testWriter{t}, AccessLog: accessLog, JWTAuthorizers: tc.given})
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			req := httptest.NewRequest("GET", "/x", nil)
			req.Header.Set("Authorization", tc.auth)
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, req)
			if rec.Code != tc.status {
				t.Errorf("status %d %s, want %d", rec.Code, rec.Body, tc.status)
			}
			if tc.status == 401 && !strings.HasPrefix(rec.Header().Get("Www-Authenticate"), `Bearer scope="" error="invalid_token"`) {
				t.Errorf("www-authenticate %q", rec.Header().Get("Www-Authenticate"))
			}
			srv.Close() // flushes the access log
			if got := strings.TrimSpace(accessLog.String()); !strings.HasPrefix(got, tc.log) {
				t.Errorf("access log %q, want it to start with %q", got, tc.log)
			}
		})
	}
}

// Options.JWTAuthorizers must name JWT authorizers of the API, each once,
// and give each something to use.
func TestJWTAuthorizersRefused(t *testing.T) {
	api := loadAPI(t, apiTemplate(cdkCognito))
	for _, tc := range []struct {
		name  string
		given map[string]JWTAuthorizer
		err   string
	}{
		{"unknown name", map[string]JWTAuthorizer{"Nope": {Issuer: "https://x"}}, `"Nope" is no JWT authorizer of Api by logical id or Name (its JWT authorizers: Auth (Name "Auth"))`},
		{"nothing to use", map[string]JWTAuthorizer{"Auth": {}}, `"Auth": no Issuer, Audience or Keys to use`},
		{"empty audience", map[string]JWTAuthorizer{"Auth": {Audience: []string{""}}}, `"Auth": an empty audience`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, err := New(context.Background(), api, &Options{Log: testWriter{t}, JWTAuthorizers: tc.given, Handlers: map[string]lambda.Handler{localtest.EchoPackage: handlerFunc(inProcessEcho)}})
			if err == nil {
				srv.Close()
				t.Fatalf("New succeeded, want an error saying %s", tc.err)
			}
			if !strings.Contains(err.Error(), tc.err) {
				t.Errorf("error %q, want it to say %s", err, tc.err)
			}
		})
	}
}
