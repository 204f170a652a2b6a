package local

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
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
// request (401), saying why, never admits one. Issuer and audience are
// resolved apart: a value given locally can stand for the one unknown.
func TestCognitoAuthorizer(t *testing.T) {
	const cdkIssuer = `{"Fn::Join": ["", ["https://cognito-idp.", {"Ref": "AWS::Region"}, ".amazonaws.com/", {"Ref": "Pool"}]]}`
	const importedIssuer = `{"Fn::Join": ["", ["https://cognito-idp.", {"Ref": "AWS::Region"}, ".amazonaws.com/us-east-1_abc"]]}`
	const issuer = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_abc"
	for _, tc := range []struct {
		name, config string
		issuer       string   // resolved; "" when unknown
		audience     []string // resolved; nil when unknown
		refuse       string   // in Authorizer.Refuse and $context.authorizer.error
	}{
		{"the CDK's output: a pool and a client of the stack", `{"Audience": [{"Ref": "PoolClient"}], "Issuer": ` + cdkIssuer + `}`,
			"", nil, "its issuer cannot be known before deployment: its value is the physical id of Pool (AWS::Cognito::UserPool), which exists only once deployed; its audience cannot be known before deployment: its value is the physical id of PoolClient"},
		{"imported pool, client of the stack", `{"Audience": [{"Ref": "PoolClient"}], "Issuer": ` + importedIssuer + `}`,
			issuer, nil, "its audience cannot be known before deployment: its value is the physical id of PoolClient (AWS::Cognito::UserPoolClient)"},
		{"issuer from a parameter", `{"Audience": ["client-1"], "Issuer": {"Fn::Sub": "https://cognito-idp.${AWS::Region}.amazonaws.com/${PoolIdParam}"}}`,
			"", []string{"client-1"}, "its value is parameter PoolIdParam, set at deploy time"},
		{"issuer from an attribute", `{"Audience": ["client-1"], "Issuer": {"Fn::GetAtt": ["Pool", "ProviderURL"]}}`,
			"", []string{"client-1"}, `{"Fn::GetAtt":["Pool","ProviderURL"]} has no value before deployment`},
		{"no audience", `{"Audience": [], "Issuer": "` + issuer + `"}`,
			issuer, nil, "has no JwtConfiguration with an Issuer and an Audience"},
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
			if tc.refuse != "" && !strings.Contains(all, "Auth: every request to its routes is answered 401 unless its issuer and audience are given locally (-jwt-issuer, -jwt-audience; Options.JWTAuthorizers): "+a.Refuse) {
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
			srv, err := New(context.Background(), api, &Options{Log: testWriter{t}, AccessLog: accessLog})
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

// A JWT authorizer passes the token's claims to the function as strings,
// flattened as API Gateway flattens them (a number as written, a boolean
// as its text, a list in brackets, space-separated, an object as JSON, a
// null claim left out), with the token's scopes: in 2.0 as
// requestContext.authorizer.jwt, in 1.0 as requestContext.authorizer
// (docs/api-gateway-behavior.md R-AUTH-4).
func TestJWTClaimsShape(t *testing.T) {
	exp := time.Now().Add(time.Hour).Unix()
	token := jwt(map[string]any{"iss": "https://issuer.example", "aud": "api", "exp": exp, "sub": "u1",
		"groups": []string{"a", "b"}, "email_verified": true, "address": map[string]any{"country": "FR"}, "scope": "read write",
		"ratio": 1.5, "big": uint64(12345678901234567890), "nothing": nil, "mixed": []any{[]any{"x", 1}, map[string]any{"k": "v"}, false}})
	wantClaims := map[string]string{
		"iss": "https://issuer.example", "aud": "api", "exp": strconv.FormatInt(exp, 10), "sub": "u1",
		"groups": "[a b]", "email_verified": "true", "address": `{"country":"FR"}`, "scope": "read write",
		"ratio": "1.5", "big": "12345678901234567890", "mixed": `[[x 1] {"k":"v"} false]`,
	}
	wantScopes := []string{"read", "write"}
	q := jwtRequest(t, []string{"write"}, token)

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

// A token without scopes gives "scopes": null in requestContext.authorizer.jwt,
// as the captured Cognito event shows (docs/api-gateway-behavior.md R-AUTH-4).
func TestJWTWithoutScopes(t *testing.T) {
	for _, claims := range []map[string]any{
		{"sub": "u1"},
		{"sub": "u1", "scope": ""},
		{"sub": "u1", "scp": []string{}},
	} {
		claims["iss"], claims["aud"], claims["exp"] = "https://issuer.example", "api", time.Now().Add(time.Hour).Unix()
		q := jwtRequest(t, nil, jwt(claims))
		b, err := q.ev.EventV2()
		if err != nil {
			t.Fatal(err)
		}
		var ev struct {
			RequestContext struct {
				Authorizer struct {
					JWT map[string]json.RawMessage `json:"jwt"`
				} `json:"authorizer"`
			} `json:"requestContext"`
		}
		if err := json.Unmarshal(b, &ev); err != nil {
			t.Fatal(err)
		}
		if got, ok := ev.RequestContext.Authorizer.JWT["scopes"]; !ok || string(got) != "null" {
			t.Errorf("claims %v: requestContext.authorizer.jwt.scopes = %s (present: %v), want null", claims, got, ok)
		}
	}
}

// jwtRequest runs a JWT authorizer with issuer https://issuer.example and
// audience api on GET /pets/1, a route with routeScopes, for the token (a
// full Authorization header); it fails the test if the token is refused
// and returns the request, its event filled.
func jwtRequest(t *testing.T, routeScopes []string, token string) *request {
	t.Helper()
	q := newJWTRequest(routeScopes)
	if resp := (&Server{}).authorizeJWT(q, &Authorizer{Type: "JWT", Issuer: "https://issuer.example", Audience: []string{"api"}}, token); resp != nil {
		t.Fatalf("token refused: %d %s (%s)", resp.status, resp.body, resp.authErr)
	}
	return q
}

// newJWTRequest returns a request for GET /pets/1, a route with routeScopes.
func newJWTRequest(routeScopes []string) *request {
	cfg := &config{apiID: "abc1234567", region: DefaultRegion, authCache: &authCache{}}
	r := httptest.NewRequest("GET", "/pets/1", nil)
	key := route.MustParse("GET /pets/{id}")
	return &request{r: r, cfg: cfg, stage: &Stage{Name: "$default"}, routePath: "/pets/1", route: &Route{Key: key, Scopes: routeScopes},
		ev: proxyevent.Request{HTTP: r, ID: "id-1", Time: time.Now(), APIID: cfg.apiID, Stage: "$default", Route: key,
			PathParameters: map[string]string{"id": "1"}, SourceIP: "192.0.2.1"}}
}

// Every refusal of a JWT authorizer carries API Gateway's www-authenticate
// challenge: a Bearer challenge with error="invalid_token" and a
// description of the failure on a 401, error="insufficient_scope" with the
// route's scopes on a 403, no error code when there is no token
// (docs/api-gateway-behavior.md R-AUTH-11).
func TestJWTChallenge(t *testing.T) {
	key, other, ks := keysAndSet(t, "k1")
	now := time.Now()
	claims := func(changes ...any) map[string]any {
		c := map[string]any{"iss": "https://issuer.example", "aud": "api", "exp": now.Add(time.Hour).Unix(), "sub": "u1", "scope": "read"}
		for i := 0; i < len(changes); i += 2 {
			c[changes[i].(string)] = changes[i+1]
		}
		return c
	}
	signed := func(c map[string]any) string { return signedJWT(t, "RS256", "k1", key, c) }
	const invalid = `Bearer scope="" error="invalid_token" error_description=`
	for _, tc := range []struct {
		name      string
		auth      string // the Authorization header; "" for none
		refuse    string // Authorizer.Refuse
		scopes    []string
		status    int
		challenge string
	}{
		{"no token", "", "", nil, 401, `Bearer scope=""`},
		{"not a JWT", "Bearer nonsense", "", nil, 401, invalid + `"the token is not a valid JWT"`},
		{"signed by another key", signedJWT(t, "RS256", "k1", other, claims()), "", nil, 401, invalid + `"the token's signature is not valid"`},
		{"unknown kid", signedJWT(t, "RS256", "k2", key, claims()), "", nil, 401, invalid + `"the token's kid does not name a key of the issuer"`},
		{"HMAC", signedJWT(t, "HS256", "k1", key, claims()), "", nil, 401, invalid + `"the token's signing algorithm is not supported"`},
		{"expired", signed(claims("exp", now.Add(-time.Minute).Unix())), "", nil, 401, invalid + `"the token has expired"`},
		{"not yet valid", signed(claims("nbf", now.Add(time.Hour).Unix())), "", nil, 401, invalid + `"the token is not valid yet"`},
		{"issued in the future", signed(claims("iat", now.Add(time.Hour).Unix())), "", nil, 401, invalid + `"the token's issue time is in the future"`},
		{"wrong issuer", signed(claims("iss", "https://evil.example")), "", nil, 401, invalid + `"the token does not have a valid issuer"`},
		{"wrong audience", signed(claims("aud", "someone-else")), "", nil, 401, invalid + `"the token does not have a valid audience"`},
		{"missing scope", signed(claims()), "", []string{"write", "admin"}, 403,
			`Bearer scope="write admin" error="insufficient_scope" error_description="the token does not have the required scopes"`},
		{"authorizer unknown before deployment", signed(claims()), "its issuer cannot be known before deployment", nil, 401,
			invalid + `"the emulator cannot know this authorizer's issuer or audience before deployment"`},
		{"good token", signed(claims()), "", []string{"read"}, 0, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := newJWTRequest(tc.scopes)
			if tc.auth != "" {
				q.r.Header.Set("Authorization", tc.auth)
			}
			a := &Authorizer{Type: "JWT", Issuer: "https://issuer.example", Audience: []string{"api"}, Refuse: tc.refuse}
			resp := (&Server{jwtKeys: ks}).authorize(q, a)
			if resp == nil {
				if tc.status != 0 {
					t.Fatalf("admitted, want %d", tc.status)
				}
				return
			}
			if resp.status != tc.status || resp.header.Get("Www-Authenticate") != tc.challenge {
				t.Errorf("%d www-authenticate %q (%s), want %d %q", resp.status, resp.header.Get("Www-Authenticate"), resp.authErr, tc.status, tc.challenge)
			}
		})
	}
}

// A token must carry exp, and exp, nbf and iat must be NumericDates (JSON
// numbers, RFC 7519 §2): a token without exp, or with one written as a
// string, is refused like an expired one (docs/api-gateway-behavior.md
// R-AUTH-12).
func TestJWTNumericDates(t *testing.T) {
	now := time.Now()
	past, future := now.Add(-time.Hour).Unix(), now.Add(time.Hour).Unix()
	const invalid = `Bearer scope="" error="invalid_token" error_description=`
	for _, tc := range []struct {
		name      string
		changes   map[string]any // nil values delete
		challenge string         // "" when admitted
		detail    string
	}{
		{"no exp", map[string]any{"exp": nil}, invalid + `"the token has no valid expiration time (exp)"`, "the token has no exp"},
		{"exp as a string, expired", map[string]any{"exp": strconv.FormatInt(past, 10)}, invalid + `"the token's time claims are not NumericDates"`, "exp is not a NumericDate"},
		{"exp as a string, in the future", map[string]any{"exp": strconv.FormatInt(future, 10)}, invalid + `"the token's time claims are not NumericDates"`, "exp is not a NumericDate"},
		{"exp null", map[string]any{"exp": json.RawMessage("null")}, invalid + `"the token's time claims are not NumericDates"`, "exp is not a NumericDate"},
		{"nbf as a string", map[string]any{"nbf": strconv.FormatInt(past, 10)}, invalid + `"the token's time claims are not NumericDates"`, "nbf is not a NumericDate"},
		{"iat as a boolean", map[string]any{"iat": true}, invalid + `"the token's time claims are not NumericDates"`, "iat is not a NumericDate"},
		{"expired, fractional", map[string]any{"exp": float64(now.Unix()) - 0.5}, invalid + `"the token has expired"`, "the token has expired"},
		{"fractional exp in the future", map[string]any{"exp": float64(future) + 0.25}, "", ""},
		{"nbf and iat in the past", map[string]any{"nbf": past, "iat": past}, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			claims := map[string]any{"iss": "https://issuer.example", "aud": "api", "exp": future, "sub": "u1"}
			for k, v := range tc.changes {
				if v == nil {
					delete(claims, k)
				} else {
					claims[k] = v
				}
			}
			q := newJWTRequest(nil)
			a := &Authorizer{Type: "JWT", Issuer: "https://issuer.example", Audience: []string{"api"}}
			resp := (&Server{}).authorizeJWT(q, a, jwt(claims))
			switch {
			case tc.challenge == "" && resp != nil:
				t.Errorf("refused: %d %s", resp.status, resp.authErr)
			case tc.challenge != "" && resp == nil:
				t.Errorf("admitted, want a 401")
			case resp != nil && (resp.status != 401 || resp.header.Get("Www-Authenticate") != tc.challenge || !strings.Contains(resp.authErr, tc.detail)):
				t.Errorf("%d %q (%s), want 401 %q (%s)", resp.status, resp.header.Get("Www-Authenticate"), resp.authErr, tc.challenge, tc.detail)
			}
		})
	}
}

// TestJWTHeaderWithoutKeySet: without a key set the emulator cannot check
// a signature, but it still refuses what API Gateway refuses whatever the
// key: a header that does not decode, and an algorithm that is not RSA.
func TestJWTHeaderWithoutKeySet(t *testing.T) {
	claims := base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprintf(`{"iss":"https://issuer.example","aud":"api","exp":%d}`, time.Now().Add(time.Hour).Unix())))
	header := func(h string) string { return base64.RawURLEncoding.EncodeToString([]byte(h)) }
	a := &Authorizer{Type: "JWT", Issuer: "https://issuer.example", Audience: []string{"api"}}
	for _, tc := range []struct {
		name, header string
		admitted     bool
	}{
		{"RS256", header(`{"alg":"RS256","kid":"k"}`), true},
		{"PS512", header(`{"alg":"PS512"}`), true},
		{"none", header(`{"alg":"none"}`), false},
		{"HS256", header(`{"alg":"HS256","kid":"k"}`), false},
		{"no alg", header(`{"kid":"k"}`), false},
		{"header not JSON", header(`alg=RS256`), false},
		{"header not base64url", "***", false},
	} {
		resp := (&Server{}).authorizeJWT(newJWTRequest(nil), a, "Bearer "+tc.header+"."+claims+".c2ln")
		if admitted := resp == nil; admitted != tc.admitted {
			t.Errorf("%s: admitted %v, want %v", tc.name, admitted, tc.admitted)
		} else if resp != nil && resp.status != 401 {
			t.Errorf("%s: %d, want 401", tc.name, resp.status)
		}
	}
}
