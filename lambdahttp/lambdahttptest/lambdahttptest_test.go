package lambdahttptest

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/httpapi-cdk/httpapi/quota"
	"github.com/httpapi-cdk/httpapi/route"
)

// handlerFunc is a lambda.Handler over raw payloads.
type handlerFunc func(ctx context.Context, event []byte) ([]byte, error)

func (f handlerFunc) Invoke(ctx context.Context, event []byte) ([]byte, error) { return f(ctx, event) }

// returning is a handler that returns result and records the event.
func returning(result string, event *[]byte) lambda.Handler {
	return handlerFunc(func(_ context.Context, ev []byte) ([]byte, error) {
		if event != nil {
			*event = ev
		}
		return []byte(result), nil
	})
}

func body(t *testing.T, resp *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestEventCarriesRouteStageAndRequest(t *testing.T) {
	var event []byte
	gw := &Gateway{Handler: returning(`{"statusCode":204}`, &event), Stage: "dev", StageVariables: map[string]string{"color": "blue"},
		Routes: []route.Key{route.MustParse("GET /items/{id}"), route.MustParse("ANY /files/{proxy+}")}}
	r := httptest.NewRequest("GET", "/dev/items/a%20b?tag=x&tag=y+z", nil)
	r.Header.Add("X-Multi", "1")
	r.Header.Add("X-Multi", "2")
	r.Header.Set("Cookie", "a=1; b=2")
	resp, err := gw.Do(r)
	if err != nil || resp.StatusCode != 204 {
		t.Fatalf("Do: %v, %v", resp, err)
	}
	var ev events.APIGatewayV2HTTPRequest
	if err := json.Unmarshal(event, &ev); err != nil {
		t.Fatal(err)
	}
	for name, got := range map[string][2]any{
		"routeKey":                {ev.RouteKey, "GET /items/{id}"},
		"rawPath":                 {ev.RawPath, "/dev/items/a b"},
		"rawQueryString":          {ev.RawQueryString, "tag=x&tag=y+z"},
		"queryStringParameters":   {ev.QueryStringParameters["tag"], "x,y+z"},
		"pathParameters":          {ev.PathParameters["id"], "a b"},
		"headers.x-multi":         {ev.Headers["x-multi"], "1,2"},
		"headers.host":            {ev.Headers["host"], "example.com"},
		"cookies":                 {strings.Join(ev.Cookies, "|"), "a=1|b=2"},
		"stage":                   {ev.RequestContext.Stage, "dev"},
		"stageVariables":          {ev.StageVariables["color"], "blue"},
		"requestContext.apiId":    {ev.RequestContext.APIID, APIID},
		"requestContext.sourceIp": {ev.RequestContext.HTTP.SourceIP, "192.0.2.1"},
		"requestId":               {ev.RequestContext.RequestID, resp.Header.Get("Apigw-Requestid")},
	} {
		if got[0] != got[1] {
			t.Errorf("%s = %q, want %q", name, got[0], got[1])
		}
	}
	if _, ok := ev.Headers["cookie"]; ok {
		t.Error("2.0 headers carry the cookie header")
	}
}

func TestRoutesDefaultToTheHandlersKeys(t *testing.T) {
	withKeys := struct {
		lambda.Handler
		keysOf
	}{returning(`{"statusCode":200}`, nil), keysOf{route.MustParse("GET /only")}}
	gw := &Gateway{Handler: withKeys}
	if resp, err := gw.Do(httptest.NewRequest("GET", "/only", nil)); err != nil || resp.StatusCode != 200 {
		t.Errorf("a route of the handler's table: %v %v", resp, err)
	}
	if resp, err := gw.Do(httptest.NewRequest("GET", "/other", nil)); err != nil || resp.StatusCode != 404 {
		t.Errorf("a path off the handler's table: %v %v", resp, err)
	}
	var event []byte
	gw = &Gateway{Handler: returning(`{"statusCode":200}`, &event)}
	if _, err := gw.Do(httptest.NewRequest("GET", "/anything", nil)); err != nil || !strings.Contains(string(event), `"routeKey":"$default"`) {
		t.Errorf("without a table, $default: %v %s", err, event)
	}
}

type keysOf []route.Key

func (k keysOf) Keys() []route.Key { return k }

func TestGatewayAnswersWithoutInvoking(t *testing.T) {
	invoked := false
	gw := &Gateway{Handler: handlerFunc(func(context.Context, []byte) ([]byte, error) { invoked = true; return nil, nil }),
		Routes: []route.Key{route.MustParse("POST /upload")}}
	resp, err := gw.Do(httptest.NewRequest("GET", "/upload", nil))
	if err != nil || resp.StatusCode != 404 || body(t, resp) != `{"message":"Not Found"}` || resp.Header.Get("Apigw-Requestid") == "" {
		t.Errorf("no route: %v %v", resp, err)
	}
	big := strings.NewReader(strings.Repeat("x", quota.RequestBytes+1))
	resp, err = gw.Do(httptest.NewRequest("POST", "/upload", big))
	if err != nil || resp.StatusCode != 413 || body(t, resp) != `{"message":"Request Entity Too Large"}` {
		t.Errorf("body over 10 MB: %v %v", resp, err)
	}
	// 6 MB of text fits the request quota but not Lambda's event.
	event := httptest.NewRequest("POST", "/upload", strings.NewReader(strings.Repeat("x", quota.PayloadBytes)))
	event.Header.Set("Content-Type", "text/plain")
	resp, err = gw.Do(event)
	if err != nil || resp.StatusCode != 413 {
		t.Errorf("event over 6 MB: %v %v", resp, err)
	}
	if invoked {
		t.Error("the handler was invoked")
	}
	if _, err := gw.Event(httptest.NewRequest("GET", "/upload", nil)); err == nil || !strings.Contains(err.Error(), "answers GET /upload with 404") {
		t.Errorf("Event for a path no route takes: %v", err)
	}
}

func TestMisuseIsAnError(t *testing.T) {
	h := returning(`{"statusCode":200}`, nil)
	for _, tc := range []struct {
		gw     *Gateway
		target string
		want   string
	}{
		{&Gateway{Handler: h, Stage: "dev"}, "/hello", `path "/hello" is not on stage "dev"`},
		{&Gateway{Handler: h, Stage: "dev"}, "/devices", `path "/devices" is not on stage "dev"`},
		{&Gateway{Handler: h, PayloadFormat: "2"}, "/", `Gateway.PayloadFormat "2": want "2.0" or "1.0"`},
		{&Gateway{Handler: h, Routes: []route.Key{route.MustParse("GET /a"), route.MustParse("GET /a")}}, "/a", "Gateway.Routes"},
		{&Gateway{}, "/", "Gateway.Handler is nil"},
	} {
		resp, err := tc.gw.Do(httptest.NewRequest("GET", tc.target, nil))
		if resp != nil || err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v %s: %v, %v; want an error that says %q", tc.gw, tc.target, resp, err, tc.want)
		}
	}
	r := WithAuthorizer(httptest.NewRequest("GET", "/", nil), &Authorizer{JWTClaims: map[string]string{}, Lambda: map[string]any{}})
	if _, err := (&Gateway{Handler: h}).Do(r); err == nil || !strings.Contains(err.Error(), "a route has one authorizer") {
		t.Errorf("two identities: %v", err)
	}
}

func TestFunctionFailures(t *testing.T) {
	for _, tc := range []struct {
		name    string
		handler lambda.Handler
		format  string
		want    string
	}{
		{"error", handlerFunc(func(context.Context, []byte) ([]byte, error) { return nil, errors.New("db down") }), "2.0", "the function failed: db down"},
		{"panic", handlerFunc(func(context.Context, []byte) ([]byte, error) { panic("boom") }), "2.0", "the function failed: panic: boom"},
		{"too large", returning(`"`+strings.Repeat("x", quota.PayloadBytes)+`"`, nil), "2.0", "exceeds Lambda's 6291456-byte limit"},
		{"invalid 2.0 result", returning(`{"statusCode":0}`, nil), "2.0", "API Gateway rejects the function's result: statusCode 0"},
		{"1.0 result without statusCode", returning(`{"body":"x"}`, nil), "1.0", "must have a statusCode"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := (&Gateway{Handler: tc.handler, PayloadFormat: tc.format}).Do(httptest.NewRequest("GET", "/", nil))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one that says %q", err, tc.want)
			}
			if resp == nil || resp.StatusCode != 500 || body(t, resp) != `{"message":"Internal Server Error"}` || resp.Header.Get("Content-Length") != "35" {
				t.Errorf("response %v, want API Gateway's 500", resp)
			}
		})
	}
}

func TestResultMapping(t *testing.T) {
	for _, tc := range []struct {
		format, result string
		status         int
		body, ctype    string
		cookies        []string
	}{
		{"2.0", `{"statusCode":201,"cookies":["a=1; HttpOnly","b=2"],"headers":{"set-cookie":"c=3"},"body":"made"}`, 201, "made", "text/plain; charset=utf-8", []string{"a=1; HttpOnly", "b=2", "c=3"}},
		{"2.0", `{"statusCode":200,"isBase64Encoded":true,"body":"AAEC","headers":{"content-type":"image/png"}}`, 200, "\x00\x01\x02", "image/png", nil},
		{"2.0", `{"message":"inferred"}`, 200, `{"message":"inferred"}`, "application/json", nil},
		{"1.0", `{"statusCode":200,"multiValueHeaders":{"Set-Cookie":["a=1","b=2"]},"cookies":["ignored=1"],"body":"v1"}`, 200, "v1", "text/plain; charset=utf-8", []string{"a=1", "b=2"}},
	} {
		resp, err := (&Gateway{Handler: returning(tc.result, nil), PayloadFormat: tc.format}).Do(httptest.NewRequest("GET", "/", nil))
		if err != nil {
			t.Fatalf("%s %s: %v", tc.format, tc.result, err)
		}
		var cookies []string
		for _, c := range resp.Cookies() {
			cookies = append(cookies, c.String())
		}
		if got := body(t, resp); resp.StatusCode != tc.status || got != tc.body || resp.Header.Get("Content-Type") != tc.ctype ||
			!slices.Equal(resp.Header.Values("Set-Cookie"), tc.cookies) || resp.ContentLength != int64(len(tc.body)) {
			t.Errorf("%s %s: %d %q %q %q", tc.format, tc.result, resp.StatusCode, got, resp.Header.Get("Content-Type"), resp.Header.Values("Set-Cookie"))
		}
	}
	resp, err := (&Gateway{Handler: returning(`{"statusCode":200,"body":"abc"}`, nil)}).Do(httptest.NewRequest("HEAD", "/", nil))
	if err != nil || body(t, resp) != "" || resp.Header.Get("Content-Length") != "3" {
		t.Errorf("HEAD: %v %v", resp, err)
	}
}

func TestHandlerContext(t *testing.T) {
	var lc *lambdacontext.LambdaContext
	var deadline bool
	gw := &Gateway{Handler: handlerFunc(func(ctx context.Context, _ []byte) ([]byte, error) {
		lc, _ = lambdacontext.FromContext(ctx)
		_, deadline = ctx.Deadline()
		return []byte(`{"statusCode":200}`), nil
	})}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := gw.Do(httptest.NewRequest("GET", "/", nil).WithContext(ctx)); err != nil {
		t.Fatal(err)
	}
	if lc == nil || lc.AwsRequestID == "" || !strings.HasPrefix(lc.InvokedFunctionArn, "arn:aws:lambda:") || !deadline {
		t.Errorf("handler context: %+v, deadline %v", lc, deadline)
	}
}

func TestAuthorizersReachTheEvent(t *testing.T) {
	iam := &events.APIGatewayV2HTTPRequestContextAuthorizerIAMDescription{UserARN: "arn:aws:iam::111122223333:user/me", AccessKey: "AKIA"}
	for _, tc := range []struct {
		format string
		a      *Authorizer
		want   string
	}{
		{"2.0", &Authorizer{JWTClaims: map[string]string{"sub": "u1"}, JWTScopes: []string{"read"}}, `"authorizer":{"jwt":{"claims":{"sub":"u1"},"scopes":["read"]}}`},
		{"1.0", &Authorizer{JWTClaims: map[string]string{"sub": "u1"}}, `"authorizer":{"claims":{"sub":"u1"},"scopes":null}`},
		{"2.0", &Authorizer{Lambda: map[string]any{"tenant": "t1"}}, `"authorizer":{"lambda":{"tenant":"t1"}}`},
		{"1.0", &Authorizer{Lambda: map[string]any{"tenant": "t1"}}, `"authorizer":{"tenant":"t1"}`},
		{"2.0", &Authorizer{IAM: iam}, `"iam":{"accessKey":"AKIA"`},
		{"1.0", &Authorizer{IAM: iam}, `"userArn":"arn:aws:iam::111122223333:user/me"`},
	} {
		event, err := (&Gateway{PayloadFormat: tc.format}).Event(WithAuthorizer(httptest.NewRequest("GET", "/", nil), tc.a))
		if err != nil || !strings.Contains(string(event), tc.want) {
			t.Errorf("%s: %v, event lacks %s:\n%s", tc.format, err, tc.want, event)
		}
	}
}

func TestRequestWithoutHost(t *testing.T) {
	r, err := http.NewRequest("GET", "/x", nil)
	if err != nil {
		t.Fatal(err)
	}
	event, err := (&Gateway{}).Event(r)
	if err != nil || !strings.Contains(string(event), `"domainName":"a1b2c3d4e5.execute-api.us-east-1.amazonaws.com","domainPrefix":"a1b2c3d4e5"`) {
		t.Errorf("%v %s", err, event)
	}
	if r.Host != "" {
		t.Error("Event changed the caller's request")
	}
}
