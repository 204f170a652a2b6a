package local

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/google/go-cmp/cmp"

	"github.com/httpapi-cdk/httpapi/internal/localtest"
	"github.com/httpapi-cdk/httpapi/lambdahttp/lambdahttptest"
	"github.com/httpapi-cdk/httpapi/quota"
	"github.com/httpapi-cdk/httpapi/route"
)

// handlerFunc is a lambda.Handler over raw payloads.
type handlerFunc func(ctx context.Context, event []byte) ([]byte, error)

func (f handlerFunc) Invoke(ctx context.Context, event []byte) ([]byte, error) { return f(ctx, event) }

// inProcessEcho answers with its event as the JSON body, as echofn does,
// and misbehaves on /fault/{kind}.
func inProcessEcho(ctx context.Context, event []byte) ([]byte, error) {
	var ev struct {
		RawPath string `json:"rawPath"`
		Path    string `json:"path"`
	}
	json.Unmarshal(event, &ev)
	path := ev.RawPath + ev.Path
	switch {
	case strings.HasSuffix(path, "/fault/panic"):
		panic("asked to panic")
	case strings.HasSuffix(path, "/fault/error"):
		return nil, errors.New("asked to fail")
	case strings.HasSuffix(path, "/fault/hang"):
		<-ctx.Done()
		return nil, ctx.Err()
	case strings.HasSuffix(path, "/fault/big"):
		return json.Marshal(map[string]any{"statusCode": 200, "body": strings.Repeat("x", quota.PayloadBytes)})
	case strings.HasSuffix(path, "/fault/context"):
		lc, _ := lambdacontext.FromContext(ctx)
		deadline, _ := ctx.Deadline()
		return json.Marshal(map[string]any{"statusCode": 200, "body": lc.InvokedFunctionArn + " " + time.Until(deadline).Round(time.Second).String()})
	}
	return json.Marshal(map[string]any{"statusCode": 200, "headers": map[string]string{"content-type": "application/json"}, "body": string(event)})
}

// inProcessFixture serves one API of the emulator fixture with the echo
// handler in this process.
func inProcessFixture(t *testing.T, api string) (*Server, *localtest.Buffer) {
	t.Helper()
	b, err := os.ReadFile(fixtureTemplate)
	if err != nil {
		t.Fatal(err)
	}
	apis, err := ParseTemplate(b, "Fixture")
	if err != nil {
		t.Fatal(err)
	}
	a, err := Select(apis, "", api)
	if err != nil {
		t.Fatal(err)
	}
	log := &localtest.Buffer{}
	srv, err := New(context.Background(), a, &Options{Handlers: map[string]lambda.Handler{localtest.EchoPackage: handlerFunc(inProcessEcho)}, Log: log, AccessLog: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	if len(srv.pools) != 0 {
		t.Fatalf("%d process pools; want none in process", len(srv.pools))
	}
	return srv, log
}

func serveInProcess(srv *Server, method, target string, headers ...string) reply {
	req := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Add(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	return reply{rec.Code, rec.Result().Header, rec.Body.Bytes()}
}

func TestInProcessServesTheTemplate(t *testing.T) {
	srv, _ := inProcessFixture(t, "V2")
	r := serveInProcess(srv, "GET", "/dev/echo/7?tag=a&tag=b", "Origin", "https://app.example", "Cookie", "a=1")
	if r.status != 200 {
		t.Fatalf("GET /dev/echo/7: %d %s", r.status, r.body)
	}
	var ev map[string]any
	if err := json.Unmarshal(r.body, &ev); err != nil {
		t.Fatal(err)
	}
	expect(t, ev, map[string]any{
		"version": "2.0", "routeKey": "GET /echo/{id}", "rawPath": "/dev/echo/7", "pathParameters": map[string]any{"id": "7"},
		"requestContext.stage": "dev", "stageVariables": map[string]any{"color": "blue"}, "queryStringParameters": map[string]any{"tag": "a,b"},
		"cookies": []any{"a=1"}, "requestContext.requestId": r.header.Get("Apigw-Requestid"),
	})
	if got := r.header.Get("Access-Control-Allow-Origin"); got != "*" {
		t.Errorf("CORS from the template: Access-Control-Allow-Origin = %q", got)
	}
	// Payload format 1.0 of the other API, and its automatic preflight answer (it has no $default route).
	v1, _ := inProcessFixture(t, "V1")
	r = serveInProcess(v1, "OPTIONS", "/echo/7", "Origin", "https://app.example", "Access-Control-Request-Method", "GET")
	if r.status != 204 || r.header.Get("Access-Control-Allow-Origin") != "https://app.example" || r.header.Get("Access-Control-Allow-Credentials") != "true" {
		t.Errorf("preflight: %d %v", r.status, r.header)
	}
	r = serveInProcess(v1, "GET", "/echo/a%20b")
	if err := json.Unmarshal(r.body, &ev); err != nil {
		t.Fatalf("%d %s", r.status, r.body)
	}
	expect(t, ev, map[string]any{"version": "1.0", "resource": "/echo/{id}", "path": "/echo/a%20b", "pathParameters": map[string]any{"id": "a b"}})
	if r := serveInProcess(v1, "GET", "/nothing"); r.status != 404 || string(r.body) != `{"message":"Not Found"}` {
		t.Errorf("no route: %d %s", r.status, r.body)
	}
}

func TestInProcessFaults(t *testing.T) {
	t.Parallel() // waits for a function timeout; runs beside the other waiting tests
	srv, log := inProcessFixture(t, "V2")
	for _, kind := range []string{"panic", "error", "big", "hang"} {
		t.Run(kind, func(t *testing.T) {
			if r := serveInProcess(srv, "GET", "/fault/"+kind); r.status != 500 || string(r.body) != internalServerError {
				t.Errorf("%d %s", r.status, r.body)
			}
		})
	}
	for _, want := range []string{"string: asked to panic", "errorString: asked to fail", "Response payload size exceeded", "Task timed out after 3.00 seconds"} {
		if got := waitLog(log, want); !strings.Contains(got, want) { // the log is written asynchronously
			t.Errorf("the log does not say %q:\n%s", want, got)
		}
	}
	// The handler's context: the function's ARN and its 3 s timeout.
	r := serveInProcess(srv, "GET", "/fault/context")
	if want := "arn:aws:lambda:us-east-1:123456789012:function:"; !strings.HasPrefix(string(r.body), want) || !strings.HasSuffix(string(r.body), " 3s") {
		t.Errorf("handler context: %s", r.body)
	}
}

func TestInProcessHandlersMustMatchTheFunctions(t *testing.T) {
	b, err := os.ReadFile(fixtureTemplate)
	if err != nil {
		t.Fatal(err)
	}
	apis, err := ParseTemplate(b, "Fixture")
	if err != nil {
		t.Fatal(err)
	}
	api, err := Select(apis, "", "V2")
	if err != nil {
		t.Fatal(err)
	}
	echo := handlerFunc(inProcessEcho)
	for _, tc := range []struct {
		handlers map[string]lambda.Handler
		want     string
	}{
		{map[string]lambda.Handler{}, "Options.Handlers has no handler for function Echo"},
		{map[string]lambda.Handler{localtest.EchoPackage: echo, "example.com/other": echo}, `Options.Handlers: "example.com/other" is neither the logical id nor the Go package of a function of V2`},
	} {
		if _, err := New(context.Background(), api, &Options{Handlers: tc.handlers}); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: error %v, want one that says %q", tc.handlers, err, tc.want)
		}
	}
	// By logical id.
	var id string
	for fid := range api.Functions {
		id = fid
	}
	if _, err := New(context.Background(), api, &Options{Handlers: map[string]lambda.Handler{id: echo}}); err != nil {
		t.Errorf("by logical id %s: %v", id, err)
	}
	if _, err := ParseTemplate([]byte(`{"Resources": 5}`), "Bad"); err == nil || !strings.Contains(err.Error(), "stack Bad") {
		t.Errorf("malformed template: %v", err)
	}
}

// TestKitSeesTheEmulatorsEvent sends one request through the emulator and
// through lambdahttptest's Gateway configured like the route's API: the
// two events are the same but for what is new for every request.
func TestKitSeesTheEmulatorsEvent(t *testing.T) {
	for _, tc := range []struct{ api, format, stage, prefix string }{{"V2", "2.0", "dev", "/dev"}, {"V1", "1.0", "$default", ""}} {
		t.Run(tc.api, func(t *testing.T) {
			srv, _ := inProcessFixture(t, tc.api)
			request := func() *http.Request {
				req := httptest.NewRequest("POST", tc.prefix+"/greedy/a%20b/c?tag=x&tag=y+z&flag", strings.NewReader(`{"a":1}`))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Add("X-Multi", "1")
				req.Header.Add("X-Multi", "2")
				req.Header.Set("Cookie", "a=1; b=2")
				req.Header.Set("User-Agent", "kit/1")
				return req
			}
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, request())
			var emulator map[string]any
			if err := json.Unmarshal(rec.Body.Bytes(), &emulator); err != nil {
				t.Fatalf("%d %s", rec.Code, rec.Body)
			}
			var keys []route.Key
			for _, r := range srv.config().api.Routes {
				keys = append(keys, r.Key)
			}
			gw := &lambdahttptest.Gateway{Routes: keys, PayloadFormat: tc.format, Stage: tc.stage, StageVariables: srv.config().stages[tc.stage].Variables}
			b, err := gw.Event(request())
			if err != nil {
				t.Fatal(err)
			}
			var kit map[string]any
			if err := json.Unmarshal(b, &kit); err != nil {
				t.Fatal(err)
			}
			for _, ev := range []map[string]any{emulator, kit} {
				rc := ev["requestContext"].(map[string]any)
				for _, k := range []string{"requestId", "extendedRequestId", "time", "timeEpoch", "requestTime", "requestTimeEpoch", "apiId"} {
					delete(rc, k)
				}
				delete(ev["headers"].(map[string]any), "x-amzn-trace-id")
				if mv, ok := ev["multiValueHeaders"].(map[string]any); ok {
					delete(mv, "x-amzn-trace-id")
				}
			}
			if diff := cmp.Diff(emulator, kit); diff != "" {
				t.Errorf("the emulator's event and the kit's differ (-emulator +kit):\n%s", diff)
			}
			if emulator["version"] != tc.format || emulator["resource"] != nil && emulator["resource"] != "/greedy/{proxy+}" {
				t.Errorf("version %v, resource %v", emulator["version"], emulator["resource"])
			}
		})
	}
}
