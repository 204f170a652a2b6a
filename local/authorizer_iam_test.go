package local

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/httpapi-cdk/httpapi/internal/localtest"
	"github.com/httpapi-cdk/httpapi/route"
)

const iamRegion = "eu-west-1"

var (
	iamAlice = IAMCredentials{AccessKeyID: "AKIAALICEEXAMPLE0001", SecretAccessKey: "alice-secret", AccountID: "111122223333"}
	iamTemp  = IAMCredentials{AccessKeyID: "ASIATEMPEXAMPLE00002", SecretAccessKey: "temp-secret", SessionToken: "the-session-token",
		UserARN: "arn:aws:sts::111122223333:assumed-role/Dev/me", UserID: "AROAEXAMPLE:me"}
)

// iamServer serves an API of the region iamRegion with IAM-authorized
// routes in both payload formats and a public one, every function echoing
// its event, admitting creds, at the clock's time.
func iamServer(t *testing.T, clock *fakeClock, creds ...IAMCredentials) (*Server, *localtest.Buffer) {
	t.Helper()
	fn := &Function{LogicalID: "Fn", GoPackage: "./fn", Timeout: 5 * time.Second}
	api := &API{LogicalID: "Api", Region: iamRegion, Stages: []Stage{{Name: "$default"}}, Functions: map[string]*Function{"Fn": fn},
		Routes: []Route{
			{Key: route.MustParse("POST /items/{id}"), Function: "Fn", PayloadFormat: "2.0", Timeout: 5 * time.Second, AuthorizationType: "AWS_IAM"},
			{Key: route.MustParse("GET /v1"), Function: "Fn", PayloadFormat: "1.0", Timeout: 5 * time.Second, AuthorizationType: "AWS_IAM"},
			{Key: route.MustParse("GET /open"), Function: "Fn", PayloadFormat: "2.0", Timeout: 5 * time.Second, AuthorizationType: "NONE"},
		}}
	log := &localtest.Buffer{}
	srv, err := New(context.Background(), api, &Options{Log: log, AccessLog: log, IAMCredentials: creds, Unthrottled: true, clock: clock.Now,
		Handlers: map[string]lambda.Handler{"Fn": handlerFunc(inProcessEcho)}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv, log
}

// signed returns a request signed with c at the given time by the AWS
// SDK's signer, for execute-api in region.
func signed(t *testing.T, c IAMCredentials, region string, at time.Time, method, target string, body []byte, header ...string) *http.Request {
	t.Helper()
	r := httptest.NewRequest(method, target, bytes.NewReader(body))
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	sum := sha256.Sum256(body)
	creds := aws.Credentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, r, hex.EncodeToString(sum[:]), "execute-api", region, at); err != nil {
		t.Fatal(err)
	}
	r.Body = httpBody(body)
	return r
}

func httpBody(b []byte) *readCloser { return &readCloser{bytes.NewReader(b)} }

type readCloser struct{ *bytes.Reader }

func (readCloser) Close() error { return nil }

func serveRequest(srv *Server, r *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, r)
	return rec
}

// TestIAMSignedRequest: a request signed with credentials the emulator was
// given reaches the function, with the caller in the event as API Gateway
// puts it there (docs/api-gateway-behavior.md R-AUTH-14, R-AUTH-15).
func TestIAMSignedRequest(t *testing.T) {
	clock := newFakeClock()
	srv, log := iamServer(t, clock, iamAlice, iamTemp)
	body := []byte(`{"name":"x"}`)
	rec := serveRequest(srv, signed(t, iamAlice, iamRegion, clock.Now(), "POST", "/items/7?b=2&a=1", body, "Content-Type", "application/json", "X-Custom", "v"))
	if rec.Code != 200 {
		t.Fatalf("signed request: %d %s\n%s", rec.Code, rec.Body, waitLog(log, "never"))
	}
	var ev struct {
		RequestContext struct {
			Authorizer map[string]map[string]any `json:"authorizer"`
		} `json:"requestContext"`
		Body string `json:"body"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &ev); err != nil {
		t.Fatal(err)
	}
	iam := ev.RequestContext.Authorizer["iam"]
	want := map[string]any{"accessKey": iamAlice.AccessKeyID, "accountId": "111122223333", "callerId": iam["userId"],
		"cognitoIdentity": nil, "principalOrgId": nil, "userArn": "arn:aws:iam::111122223333:user/local", "userId": iam["userId"]}
	for k, v := range want {
		if got, ok := iam[k]; !ok || got != v {
			t.Errorf("authorizer.iam.%s = %#v (present %v), want %#v", k, got, ok, v)
		}
	}
	if len(iam) != len(want) {
		t.Errorf("authorizer.iam has %d keys, want %d: %v", len(iam), len(want), iam)
	}
	if id, _ := iam["userId"].(string); len(id) != 21 || !strings.HasPrefix(id, "AIDA") {
		t.Errorf("synthetic userId %q: want AIDA and 17 characters", id)
	}
	if ev.Body != string(body) {
		t.Errorf("body %q, want %q", ev.Body, body)
	}

	// Temporary credentials: the session token is signed and must be the one given.
	rec = serveRequest(srv, signed(t, iamTemp, iamRegion, clock.Now(), "GET", "/v1", nil))
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"accessKey":"ASIATEMPEXAMPLE00002"`) ||
		!strings.Contains(rec.Body.String(), `"userArn":"arn:aws:sts::111122223333:assumed-role/Dev/me"`) ||
		!strings.Contains(rec.Body.String(), `"caller":"AROAEXAMPLE:me"`) {
		t.Errorf("payload 1.0, temporary credentials: %d %s", rec.Code, rec.Body)
	}
	noToken := iamTemp
	noToken.SessionToken = ""
	wrongToken := iamTemp
	wrongToken.SessionToken = "another-token"
	for name, c := range map[string]IAMCredentials{"without its session token": noToken, "with another session token": wrongToken} {
		if rec := serveRequest(srv, signed(t, c, iamRegion, clock.Now(), "GET", "/v1", nil)); rec.Code != 403 ||
			rec.Body.String() != `{"message":"The security token included in the request is invalid."}` {
			t.Errorf("%s: %d %s", name, rec.Code, rec.Body)
		}
	}

	// A header added after signing is not signed, and changes nothing.
	r := signed(t, iamAlice, iamRegion, clock.Now(), "GET", "/v1", nil)
	r.Header.Set("X-Added-Later", "1")
	if rec := serveRequest(srv, r); rec.Code != 200 {
		t.Errorf("unsigned extra header: %d %s", rec.Code, rec.Body)
	}
	// A public route needs no signature.
	if rec := serveRequest(srv, httptest.NewRequest("GET", "/open", nil)); rec.Code != 200 {
		t.Errorf("public route: %d %s", rec.Code, rec.Body)
	}
}

// TestIAMRefused: what API Gateway answers a request it cannot
// authenticate (docs/api-gateway-behavior.md R-AUTH-14).
func TestIAMRefused(t *testing.T) {
	clock := newFakeClock()
	srv, log := iamServer(t, clock, iamAlice)
	now := clock.Now()
	body := []byte(`{"name":"x"}`)
	const mismatch = `{"message":"The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."}`
	good := func() *http.Request {
		return signed(t, iamAlice, iamRegion, now, "POST", "/items/7?a=1", body, "Content-Type", "application/json", "X-Custom", "v")
	}
	wrongSecret := iamAlice
	wrongSecret.SecretAccessKey = "not-alice-secret"
	unknown := IAMCredentials{AccessKeyID: "AKIAUNKNOWNEXAMPLE00", SecretAccessKey: "s"}
	for _, tc := range []struct {
		name      string
		r         func() *http.Request
		errorType string
		body      string
	}{
		{"unsigned", func() *http.Request { return httptest.NewRequest("POST", "/items/7", bytes.NewReader(body)) },
			"MissingAuthenticationTokenException", `{"message":"Missing Authentication Token"}`},
		{"a bearer token", func() *http.Request {
			r := httptest.NewRequest("GET", "/v1", nil)
			r.Header.Set("Authorization", "Bearer abc")
			return r
		}, "IncompleteSignatureException", `{"message":"the Authorization header is not an AWS4-HMAC-SHA256 signature"}`},
		{"wrong secret", func() *http.Request {
			return signed(t, wrongSecret, iamRegion, now, "POST", "/items/7?a=1", body, "Content-Type", "application/json")
		}, "InvalidSignatureException", mismatch},
		{"unknown access key", func() *http.Request { return signed(t, unknown, iamRegion, now, "GET", "/v1", nil) },
			"UnrecognizedClientException", `{"message":"The security token included in the request is invalid."}`},
		{"another region", func() *http.Request { return signed(t, iamAlice, "us-east-1", now, "GET", "/v1", nil) },
			"InvalidSignatureException", mismatch},
		{"tampered path", func() *http.Request {
			r := good()
			r.URL.Path = "/items/8"
			return r
		}, "InvalidSignatureException", mismatch},
		{"tampered query", func() *http.Request {
			r := good()
			r.URL.RawQuery = "a=2"
			return r
		}, "InvalidSignatureException", mismatch},
		{"tampered body", func() *http.Request {
			r := good()
			r.Body = httpBody([]byte(`{"name":"y"}`))
			return r
		}, "InvalidSignatureException", mismatch},
		{"tampered signed header", func() *http.Request {
			r := good()
			r.Header.Set("X-Custom", "w")
			return r
		}, "InvalidSignatureException", mismatch},
		{"tampered method", func() *http.Request {
			r := signed(t, iamAlice, iamRegion, now, "GET", "/items/7", nil)
			r.Method = "POST"
			return r
		}, "InvalidSignatureException", mismatch},
		{"signed 6 minutes ago", func() *http.Request {
			return signed(t, iamAlice, iamRegion, now.Add(-6*time.Minute), "GET", "/v1", nil)
		},
			"InvalidSignatureException", `{"message":"Signature expired: 20260102T025805Z is now earlier than 20260102T025905Z (20260102T030405Z - 5 min.)"}`},
		{"signed 6 minutes ahead", func() *http.Request { return signed(t, iamAlice, iamRegion, now.Add(6*time.Minute), "GET", "/v1", nil) },
			"InvalidSignatureException", `{"message":"Signature not yet current: 20260102T031005Z is still later than 20260102T030905Z (20260102T030405Z + 5 min.)"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := serveRequest(srv, tc.r())
			if rec.Code != 403 || rec.Body.String() != tc.body || rec.Header().Get("X-Amzn-Errortype") != tc.errorType ||
				rec.Header().Get("Content-Type") != "application/json" {
				t.Errorf("got %d %s %s %v, want 403 %s %s", rec.Code, rec.Header().Get("X-Amzn-Errortype"), rec.Body, rec.Header(), tc.errorType, tc.body)
			}
		})
	}
	// Within 5 minutes either way, the signature holds.
	for _, d := range []time.Duration{-4 * time.Minute, 4 * time.Minute} {
		if rec := serveRequest(srv, signed(t, iamAlice, iamRegion, now.Add(d), "GET", "/v1", nil)); rec.Code != 200 {
			t.Errorf("signed %s from now: %d %s", d, rec.Code, rec.Body)
		}
	}
	// The developer reads why in the emulator's log.
	if got := waitLog(log, "eu-west-1"); !strings.Contains(got, "the signature does not match the request") || !strings.Contains(got, `scoped to region "us-east-1", not the API's, eu-west-1`) {
		t.Errorf("log lacks the reasons:\n%s", got)
	}
}

// TestIAMPresigned: a request signed in its query (a presigned URL) is
// verified alike, and expires with X-Amz-Expires.
func TestIAMPresigned(t *testing.T) {
	clock := newFakeClock()
	srv, _ := iamServer(t, clock, iamAlice)
	r := httptest.NewRequest("GET", "/v1?X-Amz-Expires=60&q=1", nil)
	sum := sha256.Sum256(nil)
	uri, _, err := v4.NewSigner().PresignHTTP(context.Background(), aws.Credentials{AccessKeyID: iamAlice.AccessKeyID, SecretAccessKey: iamAlice.SecretAccessKey},
		r, hex.EncodeToString(sum[:]), "execute-api", iamRegion, clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if rec := serveRequest(srv, httptest.NewRequest("GET", uri, nil)); rec.Code != 200 || !strings.Contains(rec.Body.String(), `"accessKey":"AKIAALICEEXAMPLE0001"`) {
		t.Errorf("presigned: %d %s", rec.Code, rec.Body)
	}
	if rec := serveRequest(srv, httptest.NewRequest("GET", strings.Replace(uri, "q=1", "q=2", 1), nil)); rec.Code != 403 || rec.Header().Get("X-Amzn-Errortype") != "InvalidSignatureException" {
		t.Errorf("presigned, tampered query: %d %s", rec.Code, rec.Body)
	}
	clock.advance(61 * time.Second)
	if rec := serveRequest(srv, httptest.NewRequest("GET", uri, nil)); rec.Code != 403 || !strings.Contains(rec.Body.String(), "Signature expired") {
		t.Errorf("presigned, expired: %d %s", rec.Code, rec.Body)
	}
}

// TestIAMWithoutCredentials: without credentials every IAM-authorized
// request is refused, never admitted, and the log says why; bad
// credentials are an error at start.
func TestIAMWithoutCredentials(t *testing.T) {
	clock := newFakeClock()
	srv, log := iamServer(t, clock)
	if rec := serveRequest(srv, signed(t, iamAlice, iamRegion, clock.Now(), "GET", "/v1", nil)); rec.Code != 403 {
		t.Errorf("signed, no credentials given: %d %s", rec.Code, rec.Body)
	}
	if got := waitLog(log, "the emulator was given no IAM credentials"); !strings.Contains(got, "the emulator was given no IAM credentials") {
		t.Errorf("log does not say why:\n%s", got)
	}
	for _, creds := range [][]IAMCredentials{{{AccessKeyID: "AKIA"}}, {iamAlice, iamAlice}} {
		if _, err := New(context.Background(), &API{LogicalID: "Api"}, &Options{Log: testWriter{t}, IAMCredentials: creds}); err == nil {
			t.Errorf("New accepted IAMCredentials %+v", creds)
		}
	}
}
