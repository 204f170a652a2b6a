package proxyevent

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/httpapi-cdk/httpapi/route"
)

func newRequest(target string) *Request {
	return &Request{HTTP: httptest.NewRequest("GET", target, nil), ID: "id-1", Time: time.Unix(1700000000, 0), APIID: "abc1234567",
		Stage: "$default", Route: route.MustParse("GET /pets/{id}"), PathParameters: map[string]string{"id": "1"}, SourceIP: "192.0.2.1"}
}

func TestRouteARN(t *testing.T) {
	r := newRequest("/dev/pets/1")
	r.Stage = "dev"
	if got, want := r.RouteARN(), "arn:aws:execute-api:us-east-1:123456789012:abc1234567/dev/GET/pets/1"; got != want {
		t.Errorf("RouteARN = %s, want %s (no stage prefix in the path)", got, want)
	}
	for path, want := range map[string]string{"/dev": "/", "/dev/": "/", "/devices/x": "/devices/x", "/x/dev": "/x/dev"} {
		r := newRequest(path)
		r.Stage = "dev"
		if got := r.RoutePath(); got != want {
			t.Errorf("RoutePath of %s on stage dev = %s, want %s", path, got, want)
		}
	}
}

func TestAuthorizerShapes(t *testing.T) {
	iam := &events.APIGatewayV2HTTPRequestContextAuthorizerIAMDescription{AccessKey: "AKIA", AccountID: "111122223333", CallerID: "AIDA:me",
		UserARN: "arn:aws:iam::111122223333:user/me", UserID: "AIDA"}
	for _, tc := range []struct {
		name   string
		a      *Authorizer
		v2, v1 string
	}{
		{"none", nil, `"requestContext":{"accountId"`, `"authorizer":null`},
		{"JWT", &Authorizer{JWTClaims: map[string]string{"sub": "u1"}, JWTScopes: []string{"read"}},
			`"authorizer":{"jwt":{"claims":{"sub":"u1"},"scopes":["read"]}}`, `"authorizer":{"claims":{"sub":"u1"},"scopes":["read"]}`},
		{"JWT without scopes", &Authorizer{JWTClaims: map[string]string{}}, `"authorizer":{"jwt":{"claims":{},"scopes":null}}`, `"authorizer":{"claims":{},"scopes":null}`},
		{"Lambda", &Authorizer{Lambda: map[string]any{"tenant": "t1"}}, `"authorizer":{"lambda":{"tenant":"t1"}}`, `"authorizer":{"tenant":"t1"}`},
		{"Lambda without context", &Authorizer{}, `"authorizer":{"lambda":null}`, `"authorizer":null`},
		{"IAM", &Authorizer{IAM: iam}, `"authorizer":{"iam":{"accessKey":"AKIA","accountId":"111122223333","callerId":"AIDA:me"`,
			`"accessKey":"AKIA","sourceIp":"192.0.2.1","userArn":"arn:aws:iam::111122223333:user/me","userAgent":"","user":"AIDA"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRequest("/pets/1")
			r.Authorizer = tc.a
			v2, err := r.EventV2()
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(v2), tc.v2) {
				t.Errorf("2.0 event lacks %s:\n%s", tc.v2, v2)
			}
			if tc.a == nil && strings.Contains(string(v2), `"authorizer"`) {
				t.Errorf("2.0 event without authorizer has one:\n%s", v2)
			}
			v1, err := r.EventV1()
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(v1), tc.v1) {
				t.Errorf("1.0 event lacks %s:\n%s", tc.v1, v1)
			}
		})
	}
}

func TestAuthorizerMixedIsAnError(t *testing.T) {
	for _, tc := range []struct {
		a    *Authorizer
		want string
	}{
		{&Authorizer{JWTClaims: map[string]string{}, Lambda: map[string]any{}}, "Authorizer sets JWTClaims and Lambda"},
		{&Authorizer{Lambda: map[string]any{}, IAM: &events.APIGatewayV2HTTPRequestContextAuthorizerIAMDescription{}}, "Authorizer sets Lambda and IAM"},
		{&Authorizer{JWTScopes: []string{"a"}}, "JWTScopes without JWTClaims"},
	} {
		r := newRequest("/pets/1")
		r.Authorizer = tc.a
		for _, format := range []string{"2.0", "1.0"} {
			if _, err := r.Event(format); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%s: error %v, want one that says %q", format, err, tc.want)
			}
		}
	}
	if _, err := newRequest("/pets/1").Event("3.0"); err == nil || !strings.Contains(err.Error(), `payload format "3.0"`) {
		t.Errorf("payload format 3.0: %v", err)
	}
}

func TestForwardedHeaders(t *testing.T) {
	for target, want := range map[string][2]string{
		"http://api.example/pets/1":       {"http", "80"},
		"https://api.example/pets/1":      {"https", "443"},
		"http://api.example:3000/pets/1":  {"http", "3000"},
		"https://api.example:8443/pets/1": {"https", "8443"},
	} {
		b, err := newRequest(target).EventV2()
		if err != nil {
			t.Fatal(err)
		}
		var ev events.APIGatewayV2HTTPRequest
		if err := json.Unmarshal(b, &ev); err != nil {
			t.Fatal(err)
		}
		if got := [2]string{ev.Headers["x-forwarded-proto"], ev.Headers["x-forwarded-port"]}; got != want {
			t.Errorf("%s: x-forwarded-proto, -port = %q, want %q", target, got, want)
		}
	}
}

func TestAuthorizerEvent(t *testing.T) {
	r := newRequest("/pets/1?token=abc")
	r.Body = []byte(`{"a":1}`)
	r.HTTP.Header.Set("Content-Type", "application/json")
	b, err := r.AuthorizerEvent("2.0", []string{"abc"})
	if err != nil {
		t.Fatal(err)
	}
	var v2 map[string]any
	json.Unmarshal(b, &v2)
	if v2["type"] != "REQUEST" || v2["routeArn"] != r.RouteARN() || v2["body"] != nil || v2["isBase64Encoded"] != nil {
		t.Errorf("2.0 authorizer event: %s", b)
	}
	if ids, _ := v2["identitySource"].([]any); len(ids) != 1 || ids[0] != "abc" {
		t.Errorf("2.0 identitySource: %v", v2["identitySource"])
	}
	b, err = r.AuthorizerEvent("1.0", []string{"abc", "def"})
	if err != nil {
		t.Fatal(err)
	}
	var v1 map[string]any
	json.Unmarshal(b, &v1)
	if v1["methodArn"] != r.RouteARN() || v1["identitySource"] != "abc,def" || v1["authorizationToken"] != "abc,def" || v1["body"] != `{"a":1}` {
		t.Errorf("1.0 authorizer event: %s", b)
	}
}

func TestParseResultSaysWhy(t *testing.T) {
	for _, tc := range []struct{ format, result, want string }{
		{"2.0", `{"statusCode":0}`, "statusCode 0 is not an HTTP status"},
		{"2.0", `{"statusCode":"200"}`, `statusCode "200" is not an HTTP status`},
		{"2.0", `{"statusCode":200,"headers":{"set-cookie":["a=1"]}}`, `headers["set-cookie"] is ["a=1"], not a string`},
		{"2.0", `{"statusCode":200,"body":{"a":1}}`, `body is {"a":1}, not a string`},
		{"2.0", `{"statusCode":200,"cookies":"a=1"}`, "cookies is not a list of strings"},
		{"2.0", `{"statusCode":200,"isBase64Encoded":true,"body":"%%%"}`, "does not decode"},
		{"1.0", `"hello"`, "must be a JSON object"},
		{"1.0", `{"body":"x"}`, "must have a statusCode"},
		{"1.0", `{"statusCode":200,"multiValueHeaders":{"x":"1"}}`, `multiValueHeaders["x"] is not a list of strings`},
		{"3.0", `{}`, `payload format "3.0"`},
	} {
		resp, err := ParseResult(tc.format, []byte(tc.result))
		if err == nil || resp != nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s %s: %v, %v; want an error that says %q", tc.format, tc.result, resp, err, tc.want)
		}
	}
}

func TestGatewayResponse(t *testing.T) {
	for status, body := range map[int]string{404: `{"message":"Not Found"}`, 500: `{"message":"Internal Server Error"}`,
		413: `{"message":"Request Entity Too Large"}`, 503: `{"message":"Service Unavailable"}`} {
		r := GatewayResponse(status)
		if r.StatusCode != status || string(r.Body) != body || r.Header.Get("Content-Type") != "application/json" {
			t.Errorf("GatewayResponse(%d) = %d %s %v", status, r.StatusCode, r.Body, r.Header)
		}
	}
}
