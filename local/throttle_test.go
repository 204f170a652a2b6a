package local

import (
	"context"
	"encoding/json"
	"io"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/httpapi-cdk/httpapi/internal/localtest"
	"github.com/httpapi-cdk/httpapi/route"
)

// fakeClock is a clock that moves only when told.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// throttleServer serves api with every function answering 200 in this
// process, on clock, and returns the server and the count of invocations.
func throttleServer(t testing.TB, api *API, clock *fakeClock, unthrottled bool) (*Server, *atomic.Int64) {
	t.Helper()
	var invoked atomic.Int64
	ok := handlerFunc(func(context.Context, []byte) ([]byte, error) {
		invoked.Add(1)
		return []byte(`{"statusCode":200,"body":"ok"}`), nil
	})
	handlers := map[string]lambda.Handler{}
	for id := range api.Functions {
		handlers[id] = ok
	}
	srv, err := New(context.Background(), api, &Options{Handlers: handlers, Log: io.Discard, AccessLog: io.Discard, Unthrottled: unthrottled, clock: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv, &invoked
}

// sendN sends n requests and returns how many got each status.
func sendN(srv *Server, n int, method, target string) map[int]int {
	got := map[int]int{}
	for range n {
		got[serveInProcess(srv, method, target).status]++
	}
	return got
}

// productionTemplate's stages throttle each route at 1000 requests/s with
// a burst of 500, and POST /echo at 10 with a burst of 5.
func TestTemplateThrottles(t *testing.T) {
	a := templateAPI(t, productionTemplate, "")
	echo := route.MustParse("POST /echo")
	for _, st := range a.Stages {
		if st.Throttle == nil || *st.Throttle != (Throttle{RateLimit: 1000, BurstLimit: 500}) {
			t.Errorf("stage %s: Throttle %+v, want 1000/500", st.Name, st.Throttle)
		}
		// GET /hello's RouteSettings entry sets only DetailedMetricsEnabled: no override.
		if len(st.RouteThrottles) != 1 || st.RouteThrottles[echo] != (Throttle{RateLimit: 10, BurstLimit: 5}) {
			t.Errorf("stage %s: RouteThrottles %+v, want POST /echo at 10/5 only", st.Name, st.RouteThrottles)
		}
	}

	// A setting that leaves a limit out takes it from the stage's default,
	// else from the account's; a string or a join of strings resolves, a
	// parameter (set at deployment) does not, and is reported.
	tpl := localtest.ReadTemplate(t, productionTemplate)
	tpl["Parameters"] = map[string]any{"Burst": map[string]any{"Type": "Number", "Default": "7"}}
	for _, r := range tpl["Resources"].(map[string]any) {
		r := r.(map[string]any)
		if r["Type"] != "AWS::ApiGatewayV2::Stage" {
			continue
		}
		p := r["Properties"].(map[string]any)
		if p["StageName"] == "dev" {
			delete(p, "DefaultRouteSettings")
		} else {
			p["DefaultRouteSettings"] = map[string]any{"ThrottlingRateLimit": "20"}
		}
		p["RouteSettings"] = map[string]any{
			"POST /echo":   map[string]any{"ThrottlingBurstLimit": map[string]any{"Fn::Join": []any{"", []any{"7"}}}},
			"GET /missing": map[string]any{"ThrottlingRateLimit": -1},
			"GET /hello":   map[string]any{"ThrottlingBurstLimit": map[string]any{"Ref": "Burst"}},
		}
	}
	b, _ := json.Marshal(tpl)
	apis, err := ParseTemplate(b, "Production")
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range apis[0].Stages {
		wantStage := &Throttle{RateLimit: 20, BurstLimit: 5000}
		wantEcho := Throttle{RateLimit: 20, BurstLimit: 7}
		if st.Name == "dev" {
			wantStage, wantEcho = nil, Throttle{RateLimit: 10000, BurstLimit: 7}
		}
		if (st.Throttle == nil) != (wantStage == nil) || st.Throttle != nil && *st.Throttle != *wantStage {
			t.Errorf("stage %s: Throttle %+v, want %+v", st.Name, st.Throttle, wantStage)
		}
		if len(st.RouteThrottles) != 1 || st.RouteThrottles[echo] != wantEcho {
			t.Errorf("stage %s: RouteThrottles %+v, want POST /echo at %+v only", st.Name, st.RouteThrottles, wantEcho)
		}
	}
	if !strings.Contains(problems(apis[0]), `RouteSettings "GET /missing": ThrottlingRateLimit: -1 is not a number of requests; not enforced`) {
		t.Errorf("a negative rate is not reported: %s", problems(apis[0]))
	}
	if !strings.Contains(problems(apis[0]), `RouteSettings "GET /hello": ThrottlingBurstLimit: its value is parameter Burst, set at deploy time; not enforced`) {
		t.Errorf("a parameter is not reported: %s", problems(apis[0]))
	}
}

func problems(api *API) string {
	var s []string
	for _, p := range api.Problems {
		s = append(s, p.String())
	}
	return strings.Join(s, "\n")
}

func TestStageAndRouteThrottles(t *testing.T) {
	clock := newFakeClock()
	srv, invoked := throttleServer(t, templateAPI(t, productionTemplate, ""), clock, false)

	// GET /hello has the stage's default: 500 at once, then 429 before
	// any function runs.
	if got := sendN(srv, 500, "GET", "/hello"); got[200] != 500 {
		t.Fatalf("first 500 GET /hello: %v, want 500 × 200", got)
	}
	r := serveInProcess(srv, "GET", "/hello")
	if r.status != 429 || string(r.body) != `{"message":"Too Many Requests"}` ||
		r.header.Get("Content-Type") != "application/json" || r.header.Get("Apigw-Requestid") == "" {
		t.Errorf("GET /hello past the burst: %d %v %s", r.status, r.header, r.body)
	}
	if n := invoked.Load(); n != 500 {
		t.Errorf("%d invocations, want 500: a throttled request reached the function", n)
	}
	// Each route has a bucket of its own on each stage.
	for _, target := range []string{"/hello/ann", "/dev/hello"} {
		if r := serveInProcess(srv, "GET", target); r.status != 200 {
			t.Errorf("GET %s after /hello's burst: %d %s", target, r.status, r.body)
		}
	}
	// 1000 tokens a second: 1 ms brings one back.
	clock.advance(time.Millisecond)
	if got := sendN(srv, 2, "GET", "/hello"); got[200] != 1 || got[429] != 1 {
		t.Errorf("1 ms later: %v, want one 200 and one 429", got)
	}
	// A bucket holds no more than its burst, however long it rests.
	clock.advance(time.Hour)
	if got := sendN(srv, 501, "GET", "/hello"); got[200] != 500 || got[429] != 1 {
		t.Errorf("an hour later: %v, want 500 × 200 and one 429", got)
	}

	// POST /echo's own setting, 10/s with a burst of 5, is checked before
	// its JWT authorizer: five 401s, then 429.
	if got := sendN(srv, 6, "POST", "/echo"); got[401] != 5 || got[429] != 1 {
		t.Errorf("6 POST /echo without a token: %v, want 5 × 401 and one 429", got)
	}
	clock.advance(100 * time.Millisecond)
	if got := sendN(srv, 2, "POST", "/echo"); got[401] != 1 || got[429] != 1 {
		t.Errorf("100 ms later: %v, want one 401 and one 429", got)
	}
}

// A route without a throttle of its own is limited by the account's
// bucket, which every route of every stage shares.
func TestAccountThrottle(t *testing.T) {
	a := templateAPI(t, productionTemplate, "")
	for i := range a.Stages {
		a.Stages[i].Throttle, a.Stages[i].RouteThrottles = nil, nil
	}
	clock := newFakeClock()
	srv, _ := throttleServer(t, a, clock, false)
	got := sendN(srv, 2000, "GET", "/hello")
	for k, v := range sendN(srv, 3000, "GET", "/dev/hello/ann") {
		got[k] += v
	}
	if got[200] != 5000 {
		t.Fatalf("the account's burst: %v, want 5000 × 200", got)
	}
	if r := serveInProcess(srv, "GET", "/health"); r.status != 429 {
		t.Errorf("past the account's burst: %d %s, want 429", r.status, r.body)
	}
	clock.advance(time.Millisecond) // 10000 tokens a second
	if got := sendN(srv, 11, "GET", "/hello"); got[200] != 10 || got[429] != 1 {
		t.Errorf("1 ms later: %v, want 10 × 200 and one 429", got)
	}
}

func TestUnthrottled(t *testing.T) {
	srv, invoked := throttleServer(t, templateAPI(t, productionTemplate, ""), newFakeClock(), true)
	if got := sendN(srv, 600, "GET", "/hello"); got[200] != 600 || invoked.Load() != 600 {
		t.Errorf("600 GET /hello unthrottled: %v, %d invocations", got, invoked.Load())
	}
	if got := sendN(srv, 10, "POST", "/echo"); got[401] != 10 {
		t.Errorf("10 POST /echo unthrottled: %v, want 10 × 401", got)
	}
}

func TestTokenBucket(t *testing.T) {
	t0 := time.Unix(0, 0)
	b := newBucket(Throttle{RateLimit: 2, BurstLimit: 3})
	for i := range 3 {
		if !b.take(t0) {
			t.Fatalf("take %d of a full bucket of 3 refused", i+1)
		}
	}
	if b.take(t0) {
		t.Error("a fourth take at once allowed")
	}
	if b.take(t0.Add(499 * time.Millisecond)) {
		t.Error("a token back before 500 ms at 2/s")
	}
	if !b.take(t0.Add(500*time.Millisecond)) || b.take(t0.Add(500*time.Millisecond)) {
		t.Error("not exactly one token back after 500 ms at 2/s")
	}
	if b.take(t0) {
		t.Error("a take at an earlier time (a clock that went back) allowed")
	}

	// A rate or a burst of 0 refuses every request (R-THR-3).
	for _, th := range []Throttle{{RateLimit: 0, BurstLimit: 0}, {RateLimit: 100, BurstLimit: 0}} {
		b := newBucket(th)
		if b.take(t0) || b.take(t0.Add(time.Hour)) {
			t.Errorf("%+v allowed a request", th)
		}
	}
	b = newBucket(Throttle{RateLimit: 0, BurstLimit: 2})
	if !b.take(t0) || !b.take(t0) || b.take(t0.Add(time.Hour)) {
		t.Error("rate 0, burst 2: want two requests, then none ever")
	}
}

// BenchmarkThrottleOverhead measures what throttling adds to a request
// served in process (GET /hello of the reference template, the function a
// handler that answers at once): "on" takes a token from the route's
// bucket and from the account's, both too large to refuse; "off" is
// Options.Unthrottled.
func BenchmarkThrottleOverhead(b *testing.B) {
	for _, unthrottled := range []bool{false, true} {
		name := map[bool]string{false: "on", true: "off"}[unthrottled]
		b.Run(name, func(b *testing.B) {
			a := templateAPI(b, referenceTemplate, "")
			huge := Throttle{RateLimit: 1e12, BurstLimit: 1 << 30}
			for i := range a.Stages {
				a.Stages[i].Throttle = &huge
			}
			srv, invoked := throttleServer(b, a, &fakeClock{now: time.Now()}, unthrottled)
			if !unthrottled {
				srv.account = newBucket(huge)
			}
			req := httptest.NewRequest("GET", "/hello", nil)
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				rec := httptest.NewRecorder()
				srv.ServeHTTP(rec, req)
				if rec.Code != 200 {
					b.Fatalf("GET /hello: %d %s", rec.Code, rec.Body)
				}
			}
			if invoked.Load() != int64(b.N) {
				b.Fatalf("%d invocations for %d requests", invoked.Load(), b.N)
			}
		})
	}
}
