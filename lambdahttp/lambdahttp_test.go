package lambdahttp

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/google/go-cmp/cmp"

	"github.com/httpapi-cdk/httpapi/route"
)

// view is what the echo handler reports of the Request it was given.
type view struct {
	Version    string
	Method     string
	Path       string
	RouteKey   string
	RequestID  string
	Stage      string
	Params     map[string]string `json:",omitempty"`
	Query      url.Values        `json:",omitempty"`
	Cookies    []string          `json:",omitempty"`
	Body       string            `json:",omitempty"`
	SourceIP   string            `json:",omitempty"`
	UserAgent  string            `json:",omitempty"`
	JWTClaims  map[string]string `json:",omitempty"`
	JWTScopes  []string          `json:",omitempty"`
	Lambda     map[string]any    `json:",omitempty"`
	IAMUserArn string            `json:",omitempty"`
	StageVars  map[string]string `json:",omitempty"`
}

func echoView(_ context.Context, r *Request) (*Response, error) {
	v := view{
		Version: r.Version, Method: r.Method, Path: r.Path, RouteKey: r.RouteKey, RequestID: r.RequestID, Stage: r.Stage,
		Params: r.PathParams, Query: r.Query(), Cookies: r.Cookies, Body: string(r.Body), SourceIP: r.SourceIP, UserAgent: r.UserAgent,
		JWTClaims: r.Authorizer.JWTClaims, JWTScopes: r.Authorizer.JWTScopes, Lambda: r.Authorizer.Lambda, StageVars: r.StageVariables,
	}
	if len(v.Query) == 0 {
		v.Query = nil
	}
	if r.Authorizer.IAM != nil {
		v.IAMUserArn = r.Authorizer.IAM.UserARN
	}
	return JSON(200, v), nil
}

// quietRouter returns a router over routes that logs into buf.
func quietRouter(t *testing.T, buf *bytes.Buffer, routes ...Route) *Router {
	t.Helper()
	if buf == nil {
		buf = new(bytes.Buffer)
	}
	rt, err := NewRouter(&Options{Logger: slog.New(slog.NewJSONHandler(buf, nil))}, routes...)
	if err != nil {
		t.Fatal(err)
	}
	return rt
}

// result is a response of either format, decoded.
type result struct {
	Status          int               `json:"statusCode"`
	Headers         map[string]string `json:"headers"`
	MultiHeaders    map[string][]string
	Cookies         []string `json:"cookies"`
	Body            string   `json:"body"`
	IsBase64Encoded bool     `json:"isBase64Encoded"`
}

func invoke(t *testing.T, rt *Router, event []byte) result {
	t.Helper()
	out, err := rt.Invoke(context.Background(), event)
	if err != nil {
		t.Fatalf("Invoke returned an error: %v", err)
	}
	return decodeResult(t, out)
}

// decodeResult decodes a response of either format.
func decodeResult(t *testing.T, out []byte) result {
	t.Helper()
	var r result
	var raw struct {
		MultiValueHeaders map[string][]string `json:"multiValueHeaders"`
	}
	if err := json.Unmarshal(out, &r); err != nil {
		t.Fatalf("response is not JSON: %v\n%s", err, out)
	}
	json.Unmarshal(out, &raw)
	r.MultiHeaders = raw.MultiValueHeaders
	return r
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// fixtureRoutes are the routes the fixture events name.
var fixtureRoutes = []string{
	"POST /test1/api/users/{userId}/orders", "POST /test11/api/users/{userId}/avatar", "POST /test9/api/users/{userId}/orders",
	"POST /test13/api/users/{username}/orders/{orderName}", "POST /test12/api/search", "ANY /nodejs-apig-function-1G3XMPLZXVXYI",
	"POST /lambda", "POST /iam", "POST /cognito", "POST /no-auth", "GET /", "ANY /my/path", "ANY /{proxy+}",
}

// myPathQuery is the query of the fixtures for /my/path.
var myPathQuery = url.Values{"parameter1": {"value1", "value2"}, "parameter2": {"value"}}

// fixtureCase is what a handler should see of a fixture event.
type fixtureCase struct {
	file string
	want view
}

// fixtureCases covers every file in testdata/events.
var fixtureCases = []fixtureCase{
	{"awslambdadotnet-V2_SimpleGetRequest.json", view{Version: "2.0", Method: "POST", Path: "/test9/api/users/123/orders",
		RouteKey: "POST /test9/api/users/{userId}/orders", RequestID: "JCJJxhz4PHcEJgQ=", Stage: "$default",
		Params: map[string]string{"userId": "123"}, Query: url.Values{"status": {"pending"}, "tag": {"important", "urgent"}},
		Cookies: []string{"session=abc123", "theme=dark"}, SourceIP: "IP_ADDRESS", UserAgent: "TestAgent"}},
	{"awslambdadotnet-V2_UrlEncodedQueryString.json", view{Version: "2.0", Method: "POST", Path: "/test12/api/search",
		RouteKey: "POST /test12/api/search", RequestID: "JCJP4iwYPHcEJgQ=", Stage: "$default",
		Query: url.Values{"q": {"Hello World"}, "tag": {"C# Programming", ".NET Core"}}, SourceIP: "IP_ADDRESS"}},
	{"awslambdadotnet-V2_SpecialCharactersInPath.json", view{Version: "2.0", Method: "POST", Path: "/test13/api/users/**** Doe/orders/Summer Sale 2023",
		RouteKey: "POST /test13/api/users/{username}/orders/{orderName}", RequestID: "JCJSViW5PHcESow=", Stage: "$default",
		Params: map[string]string{"username": "**** Doe", "orderName": "Summer Sale 2023"}, SourceIP: "IP_ADDRESS"}},
	{"awslambdadotnet-V2_BinaryContent.json", view{Version: "2.0", Method: "POST", Path: "/test11/api/users/123/avatar",
		RouteKey: "POST /test11/api/users/{userId}/avatar", RequestID: "JCJM3j95PHcEJHg=", Stage: "$default",
		Params: map[string]string{"userId": "123"}, Body: "\x01\x02\x03\x04\x05", SourceIP: "IP_ADDRESS"}},
	{"awslambdadotnet-V1_SimpleGetRequestHttpV1.json", view{Version: "1.0", Method: "POST", Path: "/test1/api/users/123/orders",
		RouteKey: "POST /test1/api/users/{userId}/orders", RequestID: "JCJgriq-vHcEPMg=", Stage: "$default",
		Params: map[string]string{"userId": "123"}, Query: url.Values{"status": {"pending"}, "tag": {"important", "urgent"}},
		Cookies: []string{"session=abc123", "theme=dark"}, SourceIP: "IP_ADDRESS", UserAgent: "TestAgent"}},
	{"lambdadevguide-nodejs-apig-event-v2.json", view{Version: "2.0", Method: "GET", Path: "/nodejs-apig-function-1G3XMPLZXVXYI",
		RouteKey: "ANY /nodejs-apig-function-1G3XMPLZXVXYI", RequestID: "JKJaXmPLvHcESHA=", Stage: "default",
		Cookies: []string{"s_fid=7AABXMPL1AFD9BBF-0643XMPL09956DE2", "regStatus=pre-register"}, SourceIP: "205.255.255.176",
		UserAgent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/80.0.3987.132 Safari/537.36"}},
	{"awslambdago-apigw-v2-request-no-authorizer.json", view{Version: "2.0", Method: "GET", Path: "/", RouteKey: "$default",
		RequestID: "LV7fzho-PHcEJPw=", Stage: "$default", SourceIP: "1.2.3.4", UserAgent: "curl/7.58.0"}},
	{"lambdarust-apigw_v2_proxy_request_minimal.json", view{Version: "2.0", Method: "GET", Path: "/", RouteKey: "$default",
		RequestID: "MIZRNhJtIAMEMDw=", Stage: "$default", SourceIP: "65.78.31.245", UserAgent: "curl/7.64.1"}},
	{"awslambdago-apigw-v2-request-jwt-authorizer.json", view{Version: "2.0", Method: "GET", Path: "/my/path", RouteKey: "$default",
		RequestID: "id", Stage: "$default", Params: map[string]string{"proxy": "hello/world"}, Query: myPathQuery,
		Cookies: []string{"cookie1", "cookie2"}, Body: "{\r\n\t\"a\": 1\r\n}", SourceIP: "IP", UserAgent: "agent",
		JWTClaims: map[string]string{"claim1": "value1", "claim2": "value2"}, JWTScopes: []string{"scope1", "scope2"},
		StageVars: map[string]string{"stageVariable1": "value1", "stageVariable2": "value2"}}},
	{"awslambdago-apigw-v2-request-lambda-authorizer.json", view{Version: "2.0", Method: "GET", Path: "/my/path", RouteKey: "$default",
		RequestID: "id", Stage: "$default", Params: map[string]string{"proxy": "hello/world"}, Query: myPathQuery,
		Cookies: []string{"cookie1", "cookie2"}, Body: "{\r\n\t\"a\": 1\r\n}", SourceIP: "IP", UserAgent: "agent",
		Lambda: map[string]any{"key": "value"}, StageVars: map[string]string{"stageVariable1": "value1", "stageVariable2": "value2"}}},
	{"awslambdago-apigw-v2-request-iam.json", view{Version: "2.0", Method: "GET", Path: "/my/path", RouteKey: "$default",
		RequestID: "id", Stage: "$default", Params: map[string]string{"proxy": "hello/world"}, Query: myPathQuery,
		Cookies: []string{"cookie1", "cookie2"}, Body: "{\r\n\t\"a\": 1\r\n}", SourceIP: "IP", UserAgent: "agent",
		IAMUserArn: "arn:aws:iam::1234567890:user/Admin", StageVars: map[string]string{"stageVariable1": "value1", "stageVariable2": "value2"}}},
	{"powertools-apiGatewayProxyV2Event.json", view{Version: "2.0", Method: "POST", Path: "/my/path", RouteKey: "$default",
		RequestID: "id", Stage: "$default", Params: map[string]string{"parameter1": "value1"}, Query: myPathQuery,
		Cookies: []string{"cookie1", "cookie2"}, Body: `{"message": "hello world", "username": "tom"}`, SourceIP: "192.168.0.1/32", UserAgent: "agent",
		JWTClaims: map[string]string{"claim1": "value1", "claim2": "value2"}, JWTScopes: []string{"scope1", "scope2"},
		StageVars: map[string]string{"stageVariable1": "value1", "stageVariable2": "value2"}}},
	{"powertools-apiGatewayProxyEvent.json", view{Version: "1.0", Method: "GET", Path: "/my/path", RouteKey: "",
		RequestID: "id=", Stage: "$default", Query: myPathQuery, Body: "Hello from Lambda!", SourceIP: "192.168.0.1/32", UserAgent: "user-agent"}},
	{"powertoolsts-apigw-http-jwt-authorizer-auth.json", view{Version: "2.0", Method: "POST", Path: "/cognito", RouteKey: "POST /cognito",
		RequestID: "ZhMpgigvDoEEPlg=", Stage: "$default", SourceIP: "15.248.3.126", UserAgent: "HTTPie/3.2.2",
		JWTClaims: map[string]string{"aud": "3nkoep4151b7umeggnottc30u9", "auth_time": "1718636404", "cognito:username": "aamorosi",
			"event_id": "c7f6cc62-c476-4c6a-ba5b-745244dfe5ee", "exp": "1718722804", "iat": "1718636404",
			"iss": "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_y0bLG4i27", "jti": "13727aba-89e6-4896-bd9e-8cbc0f478f9c",
			"origin_jti": "37cc02cf-5c14-4636-beb3-4f8ca887935b", "sub": "d2f50444-0041-7036-aea2-a955fca33d37", "token_use": "id"}}},
	{"powertoolsts-apigw-http-no-auth.json", view{Version: "2.0", Method: "POST", Path: "/lambda", RouteKey: "POST /lambda",
		RequestID: "ZhNHJhhLjoEEPiw=", Stage: "$default", SourceIP: "15.248.3.126", UserAgent: "HTTPie/3.2.2"}},
	{"powertoolsts-apigw-http-iam-auth.json", view{Version: "2.0", Method: "POST", Path: "/iam", RouteKey: "POST /iam",
		RequestID: "ZhLNpgotDoEEJUQ=", Stage: "$default", SourceIP: "15.248.3.126", UserAgent: "HTTPie/3.2.2",
		IAMUserArn: "arn:aws:sts::123456789012:assumed-role/Admin/aamorosi"}},
	// REST API (1.0) events: the stage prefix of requestContext.path is stripped.
	{"powertoolsts-apigw-rest-no-auth.json", view{Version: "1.0", Method: "POST", Path: "/no-auth", RouteKey: "",
		RequestID: "f88e38e3-2060-4a56-93c0-9efbc6a659a0", Stage: "prod", SourceIP: "15.248.3.126", UserAgent: "HTTPie/3.2.2"}},
	{"lambdadevguide-nodejs-apig-event.json", view{Version: "1.0", Method: "GET", Path: "/", RouteKey: "",
		RequestID: "77375676-xmpl-4b79-853a-f982474efe18", Stage: "Prod", SourceIP: "52.255.255.12",
		// headers.cookie and multiValueHeaders.cookie differ in this fixture; multiValueHeaders (every value) wins.
		Cookies:   []string{"s_fid=7AABXMPL1AFD9BBF-0643XMPL09956DE2", "regStatus=pre-register"},
		UserAgent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/80.0.3987.132 Safari/537.36"}},
	{"awslambdago-apigw-request.json", view{Version: "1.0", Method: "POST", Path: "/hello/world", RouteKey: "",
		RequestID: "deef4878-7910-11e6-8f14-25afc3e9ae33", Stage: "testStage", Params: map[string]string{"proxy": "hello/world"},
		Query: url.Values{"name": {"me"}}, Body: "{\r\n\t\"a\": 1\r\n}", SourceIP: "192.168.196.186", UserAgent: "PostmanRuntime/2.4.5",
		Lambda:     map[string]any{"principalId": "admin", "clientId": float64(1), "clientName": "Exata"},
		IAMUserArn: "theUserArn", // requestContext.identity describes the IAM caller
		StageVars:  map[string]string{"stageVariableName": "stageVariableValue"}}},
}

func TestFixtureEvents(t *testing.T) {
	// Every route the fixtures name, all served by the echo handler.
	var routes []Route
	for _, k := range fixtureRoutes {
		routes = append(routes, Route{Key: route.MustParse(k), Handler: echoView})
	}
	rt := quietRouter(t, nil, routes...)
	checkFixtureEvents(t, func(t *testing.T, event []byte) result { return invoke(t, rt, event) })
}

// checkFixtureEvents sends every fixture event to call, whose handlers
// answer with the request view, and compares the view with the case's.
func checkFixtureEvents(t *testing.T, call func(t *testing.T, event []byte) result) {
	files, err := filepath.Glob(filepath.Join("testdata", "events", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != len(fixtureCases) {
		t.Errorf("%d fixture events, %d cases: every fixture needs a case", len(files), len(fixtureCases))
	}
	for _, tc := range fixtureCases {
		t.Run(tc.file, func(t *testing.T) {
			event, err := os.ReadFile(filepath.Join("testdata", "events", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			res := call(t, event)
			if res.Status != 200 {
				t.Fatalf("status %d, body %s", res.Status, res.Body)
			}
			var got view
			if err := json.Unmarshal([]byte(res.Body), &got); err != nil {
				t.Fatalf("body %q: %v", res.Body, err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("request view (-want +got):\n%s", diff)
			}
		})
	}
}

// v2Event builds a minimal 2.0 event.
func v2Event(method, path, routeKey string) *events.APIGatewayV2HTTPRequest {
	return &events.APIGatewayV2HTTPRequest{
		Version: "2.0", RouteKey: routeKey, RawPath: path, Headers: map[string]string{},
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			RequestID: "req-1", Stage: "$default", RouteKey: routeKey,
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: method, Path: path, SourceIP: "203.0.113.9", UserAgent: "test"},
		},
	}
}

// v1Event builds a minimal 1.0 event.
func v1Event(method, path, resource string) *events.APIGatewayProxyRequest {
	return &events.APIGatewayProxyRequest{
		Resource: resource, Path: path, HTTPMethod: method, Headers: map[string]string{},
		RequestContext: events.APIGatewayProxyRequestContext{RequestID: "req-1", Stage: "$default", ResourcePath: resource, HTTPMethod: method},
	}
}

// encoded is what a test expects of an encoded result, in both payload
// formats.
type encoded struct {
	status  int
	body    string
	base64  bool
	ctype   string
	cookies []string
}

// checkEncoded checks res, the result of a payload-version event, against
// want: 2.0 carries cookies in its cookies field, 1.0 as Set-Cookie
// headers of multiValueHeaders and never in a cookies field.
func checkEncoded(t *testing.T, version string, res result, want encoded) {
	t.Helper()
	if res.Status != want.status || res.Body != want.body || res.IsBase64Encoded != want.base64 || res.Headers["Content-Type"] != want.ctype {
		t.Errorf("%s: got %d %q base64=%v %q", version, res.Status, res.Body, res.IsBase64Encoded, res.Headers["Content-Type"])
	}
	cookies := res.Cookies
	if version == "1.0" {
		cookies = res.MultiHeaders["Set-Cookie"]
		if res.Cookies != nil {
			t.Errorf("1.0 response has a cookies field")
		}
	}
	if !slices.Equal(cookies, want.cookies) {
		t.Errorf("%s: cookies %q, want %q", version, cookies, want.cookies)
	}
}
