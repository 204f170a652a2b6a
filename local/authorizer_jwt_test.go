package local

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/httpapi-cdk/httpapi/internal/localtest"
	"github.com/httpapi-cdk/httpapi/proxyevent"
	"github.com/httpapi-cdk/httpapi/route"
)

// apiTemplate returns a template with one HTTP API, a $default stage whose
// access log records $context.authorizer.error, and GET /x behind a JWT
// authorizer with this JwtConfiguration, invoking the echo function. It
// also holds the Cognito resources the CDK's CognitoAuthorizer refers to.
func apiTemplate(jwtConfiguration string) string {
	return `{
  "Parameters": {"PoolIdParam": {"Type": "String", "Default": "us-east-1_param"}},
  "Resources": {
    "Pool": {"Type": "AWS::Cognito::UserPool", "Properties": {}},
    "PoolClient": {"Type": "AWS::Cognito::UserPoolClient", "Properties": {"UserPoolId": {"Ref": "Pool"}}},
    "Api": {"Type": "AWS::ApiGatewayV2::Api", "Properties": {"Name": "Api", "ProtocolType": "HTTP"}},
    "Stage": {"Type": "AWS::ApiGatewayV2::Stage", "Properties": {"ApiId": {"Ref": "Api"}, "StageName": "$default", "AutoDeploy": true,
      "AccessLogSettings": {"Format": "$context.status $context.authorizer.error"}}},
    "Auth": {"Type": "AWS::ApiGatewayV2::Authorizer", "Properties": {"ApiId": {"Ref": "Api"}, "AuthorizerType": "JWT",
      "IdentitySource": ["$request.header.Authorization"], "Name": "Auth", "JwtConfiguration": ` + jwtConfiguration + `}},
    "Integration": {"Type": "AWS::ApiGatewayV2::Integration", "Properties": {"ApiId": {"Ref": "Api"}, "IntegrationType": "AWS_PROXY",
      "IntegrationUri": {"Fn::GetAtt": ["Echo", "Arn"]}, "PayloadFormatVersion": "2.0"}},
    "Route": {"Type": "AWS::ApiGatewayV2::Route", "Properties": {"ApiId": {"Ref": "Api"}, "RouteKey": "GET /x", "AuthorizationType": "JWT",
      "AuthorizerId": {"Ref": "Auth"}, "Target": {"Fn::Join": ["", ["integrations/", {"Ref": "Integration"}]]}}},
    "Echo": {"Type": "AWS::Lambda::Function", "Properties": {"Timeout": 10},
      "Metadata": {"httpapi:GoPackage": "` + localtest.EchoPackage + `"}}
  }
}`
}

// loadAPI writes a template to a file and loads its API.
func loadAPI(t *testing.T, template string) *API {
	t.Helper()
	path := filepath.Join(t.TempDir(), "Stack.template.json")
	if err := os.WriteFile(path, []byte(template), 0o644); err != nil {
		t.Fatal(err)
	}
	apis, err := LoadTemplate(path, "Stack")
	if err != nil {
		t.Fatal(err)
	}
	if len(apis) != 1 {
		t.Fatalf("%d APIs", len(apis))
	}
	return apis[0]
}

// The CDK's CognitoAuthorizer writes the issuer as an Fn::Join of
// "https://cognito-idp.", AWS::Region, ".amazonaws.com/" and a Ref to the
// user pool, and each audience as a Ref to a client: what can be resolved
// is, and an authorizer with a value only deployment knows refuses every
// request (401), saying why, never admits one.
func TestCognitoAuthorizer(t *testing.T) {
	const cdkIssuer = `{"Fn::Join": ["", ["https://cognito-idp.", {"Ref": "AWS::Region"}, ".amazonaws.com/", {"Ref": "Pool"}]]}`
	const importedIssuer = `{"Fn::Join": ["", ["https://cognito-idp.", {"Ref": "AWS::Region"}, ".amazonaws.com/us-east-1_abc"]]}`
	const issuer = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_abc"
	for _, tc := range []struct {
		name, config string
		issuer       string   // resolved; "" when refused
		audience     []string // resolved
		refuse       string   // in Authorizer.Refuse and $context.authorizer.error
	}{
		{"the CDK's output: a pool and a client of the stack", `{"Audience": [{"Ref": "PoolClient"}], "Issuer": ` + cdkIssuer + `}`,
			"", nil, "its issuer cannot be known before deployment: its value is the physical id of Pool (AWS::Cognito::UserPool)"},
		{"imported pool, client of the stack", `{"Audience": [{"Ref": "PoolClient"}], "Issuer": ` + importedIssuer + `}`,
			"", nil, "its audience cannot be known before deployment: its value is the physical id of PoolClient (AWS::Cognito::UserPoolClient)"},
		{"issuer from a parameter", `{"Audience": ["client-1"], "Issuer": {"Fn::Sub": "https://cognito-idp.${AWS::Region}.amazonaws.com/${PoolIdParam}"}}`,
			"", nil, "its value is parameter PoolIdParam, set at deploy time"},
		{"issuer from an attribute", `{"Audience": ["client-1"], "Issuer": {"Fn::GetAtt": ["Pool", "ProviderURL"]}}`,
			"", nil, `{"Fn::GetAtt":["Pool","ProviderURL"]} has no value before deployment`},
		{"no audience", `{"Audience": [], "Issuer": "` + issuer + `"}`,
			"", nil, "has no JwtConfiguration with an Issuer and an Audience"},
		{"imported pool and client: Fn::Join", `{"Audience": ["client-1", {"Fn::Join": ["-", ["client", "2"]]}], "Issuer": ` + importedIssuer + `}`,
			issuer, []string{"client-1", "client-2"}, ""},
		{"imported pool and client: Fn::Sub", `{"Audience": ["client-1"], "Issuer": {"Fn::Sub": "https://cognito-idp.${AWS::Region}.${AWS::URLSuffix}/us-east-1_abc"}}`,
			issuer, []string{"client-1"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			api := loadAPI(t, apiTemplate(tc.config))
			a := api.Routes[0].Authorizer
			if a == nil || api.Routes[0].Unsupported != "" {
				t.Fatalf("route: %+v", api.Routes[0])
			}
			if a.Issuer != tc.issuer || strings.Join(a.Audience, ",") != strings.Join(tc.audience, ",") || !strings.Contains(a.Refuse, tc.refuse) || (tc.refuse == "") != (a.Refuse == "") {
				t.Errorf("issuer %q, audience %q, refuse %q; want %q, %q, %q", a.Issuer, a.Audience, a.Refuse, tc.issuer, tc.audience, tc.refuse)
			}
			var problems []string
			for _, p := range api.Problems {
				problems = append(problems, p.String())
			}
			all := strings.Join(problems, "\n")
			if tc.refuse != "" && !strings.Contains(all, "Auth: every request to its routes is answered 401: "+a.Refuse) {
				t.Errorf("problems do not report the refusal:\n%s", all)
			}
			if tc.refuse == "" && !strings.Contains(all, `issuer "`+issuer+`"`) {
				t.Errorf("problems do not name the issuer checked:\n%s", all)
			}
		})
	}
}

// Served, a refusing authorizer answers 401 to every token, with the
// reason in $context.authorizer.error; a resolved issuer is checked: a
// token from another issuer is refused.
func TestCognitoAuthorizerServed(t *testing.T) {
	const importedIssuer = `{"Fn::Join": ["", ["https://cognito-idp.", {"Ref": "AWS::Region"}, ".amazonaws.com/us-east-1_abc"]]}`
	future := time.Now().Add(time.Hour).Unix()
	cognito := map[string]any{"iss": "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_abc", "client_id": "client-1", "exp": future, "token_use": "access"}
	other := map[string]any{"iss": "https://evil.example", "client_id": "client-1", "exp": future}
	for _, tc := range []struct {
		name, config string
		claims       map[string]any
		status       int
		log          string
	}{
		{"unresolvable: a good token", `{"Audience": [{"Ref": "PoolClient"}], "Issuer": {"Fn::Join": ["", ["https://cognito-idp.", {"Ref": "AWS::Region"}, ".amazonaws.com/", {"Ref": "Pool"}]]}}`,
			cognito, 401, "401 its issuer cannot be known before deployment: its value is the physical id of Pool (AWS::Cognito::UserPool)"},
		{"unresolvable: any token", `{"Audience": [{"Ref": "PoolClient"}], "Issuer": {"Fn::Join": ["", ["https://cognito-idp.", {"Ref": "AWS::Region"}, ".amazonaws.com/", {"Ref": "Pool"}]]}}`,
			other, 401, "401 its issuer cannot be known"},
		{"resolved: the pool's token", `{"Audience": ["client-1"], "Issuer": ` + importedIssuer + `}`, cognito, 200, "200 -"},
		{"resolved: another issuer's token", `{"Audience": ["client-1"], "Issuer": ` + importedIssuer + `}`, other, 401,
			`401 issuer \"https://evil.example\" is not \"https://cognito-idp.us-east-1.amazonaws.com/us-east-1_abc\"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			api := loadAPI(t, apiTemplate(tc.config))
			accessLog := &localtest.Buffer{}
			srv, err := New(context.Background(), api, sharedBuild(api, &Options{Log: testWriter{t}, AccessLog: accessLog}))
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			req := httptest.NewRequest("GET", "/x", nil)
			req.Header.Set("Authorization", jwt(tc.claims))
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, req)
			if rec.Code != tc.status {
				t.Errorf("status %d %s, want %d", rec.Code, rec.Body, tc.status)
			}
			srv.Close() // the access log is written by a goroutine of its own: Close flushes it
			if got := strings.TrimSpace(accessLog.String()); !strings.HasPrefix(got, tc.log) {
				t.Errorf("access log %q, want it to start with %q", got, tc.log)
			}
		})
	}
}

// A JWT authorizer passes the token's claims to the function as strings
// (a claim that is not a string as its JSON text) with the token's scopes:
// in 2.0 as requestContext.authorizer.jwt, in 1.0 as
// requestContext.authorizer (docs/api-gateway-behavior.md R-AUTH-4).
func TestJWTClaimsShape(t *testing.T) {
	s := &Server{}
	cfg := &config{apiID: "abc1234567", region: DefaultRegion, authCache: &authCache{}}
	r := httptest.NewRequest("GET", "/pets/1", nil)
	key := route.MustParse("GET /pets/{id}")
	q := &request{r: r, cfg: cfg, stage: &Stage{Name: "$default"}, routePath: "/pets/1", route: &Route{Key: key, Scopes: []string{"write"}},
		ev: proxyevent.Request{HTTP: r, ID: "id-1", Time: time.Now(), APIID: cfg.apiID, Stage: "$default", Route: key,
			PathParameters: map[string]string{"id": "1"}, SourceIP: "192.0.2.1"}}
	exp := time.Now().Add(time.Hour).Unix()
	token := jwt(map[string]any{"iss": "https://issuer.example", "aud": "api", "exp": exp, "sub": "u1",
		"groups": []string{"a", "b"}, "email_verified": true, "address": map[string]any{"country": "FR"}, "scope": "read write"})
	if resp := s.authorizeJWT(q, &Authorizer{Type: "JWT", Issuer: "https://issuer.example", Audience: []string{"api"}}, token); resp != nil {
		t.Fatalf("token refused: %d %s (%s)", resp.status, resp.body, resp.authErr)
	}
	wantClaims := map[string]string{
		"iss": "https://issuer.example", "aud": "api", "exp": strconv.FormatInt(exp, 10), "sub": "u1",
		"groups": `["a","b"]`, "email_verified": "true", "address": `{"country":"FR"}`, "scope": "read write",
	}
	wantScopes := []string{"read", "write"}

	// Decoding into map[string]string fails if any claim is not a string.
	var v2 struct {
		RequestContext struct {
			Authorizer map[string]struct {
				Claims map[string]string `json:"claims"`
				Scopes []string          `json:"scopes"`
			} `json:"authorizer"`
		} `json:"requestContext"`
	}
	b, err := q.ev.EventV2()
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &v2); err != nil {
		t.Fatalf("2.0 requestContext.authorizer: %v\n%s", err, b)
	}
	jwt, ok := v2.RequestContext.Authorizer["jwt"]
	if !ok || len(v2.RequestContext.Authorizer) != 1 {
		t.Fatalf("2.0 requestContext.authorizer: want only a jwt key\n%s", b)
	}
	if diff := cmp.Diff(wantClaims, jwt.Claims); diff != "" {
		t.Errorf("2.0 authorizer.jwt.claims (-want +got):\n%s", diff)
	}
	if !slices.Equal(jwt.Scopes, wantScopes) {
		t.Errorf("2.0 authorizer.jwt.scopes = %q, want %q", jwt.Scopes, wantScopes)
	}

	var v1 struct {
		RequestContext struct {
			Authorizer struct {
				Claims map[string]string `json:"claims"`
				Scopes []string          `json:"scopes"`
			} `json:"authorizer"`
		} `json:"requestContext"`
	}
	if b, err = q.ev.EventV1(); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &v1); err != nil {
		t.Fatalf("1.0 requestContext.authorizer: %v\n%s", err, b)
	}
	if diff := cmp.Diff(wantClaims, v1.RequestContext.Authorizer.Claims); diff != "" {
		t.Errorf("1.0 authorizer.claims (-want +got):\n%s", diff)
	}
	if !slices.Equal(v1.RequestContext.Authorizer.Scopes, wantScopes) {
		t.Errorf("1.0 authorizer.scopes = %q, want %q", v1.RequestContext.Authorizer.Scopes, wantScopes)
	}
}
