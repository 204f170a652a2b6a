package local

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
)

// watchStack is a stack whose API routes its routes to versionfn, built
// from the module example.com/versionfn in the app's directory fn.
type watchStack struct {
	routes     []string // route keys
	env        string   // the $default stage's variable env
	authorized string   // a route key guarded by a JWT authorizer, or ""
	release    string   // the function's $RELEASE: see versionfn
}

func (ws watchStack) template() string {
	ref := func(id string) map[string]any { return map[string]any{"Ref": id} }
	res := map[string]any{
		"Api": map[string]any{"Type": "AWS::ApiGatewayV2::Api", "Properties": map[string]any{"Name": "Api", "ProtocolType": "HTTP"}},
		"Stage": map[string]any{"Type": "AWS::ApiGatewayV2::Stage", "Properties": map[string]any{"ApiId": ref("Api"), "StageName": "$default",
			"AutoDeploy": true, "StageVariables": map[string]any{"env": ws.env}}},
		"Integration": map[string]any{"Type": "AWS::ApiGatewayV2::Integration", "Properties": map[string]any{"ApiId": ref("Api"),
			"IntegrationType": "AWS_PROXY", "IntegrationUri": map[string]any{"Fn::GetAtt": []any{"Fn", "Arn"}}, "PayloadFormatVersion": "2.0"}},
		"Fn": map[string]any{"Type": "AWS::Lambda::Function", "Properties": map[string]any{"Timeout": 10}, "Metadata": map[string]any{
			"httpapi:GoPackage": "example.com/versionfn", "httpapi:GoModule": "example.com/versionfn", "httpapi:GoModuleDir": "fn"}},
		"Auth": map[string]any{"Type": "AWS::ApiGatewayV2::Authorizer", "Properties": map[string]any{"ApiId": ref("Api"), "AuthorizerType": "JWT",
			"IdentitySource": []string{"$request.header.Authorization"}, "JwtConfiguration": map[string]any{"Issuer": "https://issuer.example", "Audience": []string{"app"}}}},
	}
	if ws.release != "" {
		res["Fn"].(map[string]any)["Properties"].(map[string]any)["Environment"] = map[string]any{"Variables": map[string]any{"RELEASE": ws.release}}
	}
	for i, key := range ws.routes {
		props := map[string]any{"ApiId": ref("Api"), "RouteKey": key, "Target": map[string]any{"Fn::Join": []any{"", []any{"integrations/", ref("Integration")}}}}
		if key == ws.authorized {
			props["AuthorizationType"], props["AuthorizerId"] = "JWT", ref("Auth")
		}
		res[fmt.Sprintf("Route%d", i)] = map[string]any{"Type": "AWS::ApiGatewayV2::Route", "Properties": props}
	}
	b, _ := json.MarshalIndent(map[string]any{"Resources": res}, "", " ")
	return string(b)
}

// versionSource is versionfn's source, answering version.
func versionSource(t *testing.T, version string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/versionfn/main.go")
	if err != nil {
		t.Fatal(err)
	}
	return strings.Replace(string(b), `const version = "v1"`, `const version = "`+version+`"`, 1)
}

// watchApp writes an app directory: versionfn in a module of its own in
// fn, and cdk.out with stack Api. It returns the app's directory.
func watchApp(t *testing.T, ws watchStack) string {
	app := t.TempDir()
	writeFiles(t, app, map[string]string{
		"fn/go.mod":  "module example.com/versionfn\n\ngo 1.22\n",
		"fn/main.go": versionSource(t, "v1"),
		"cdk.out/manifest.json": `{"version": "48.0.0", "artifacts": {"Api": {"type": "aws:cloudformation:stack",
  "environment": "aws://unknown-account/unknown-region", "properties": {"templateFile": "Api.template.json"}, "displayName": "Api"}}}`,
		"cdk.out/Api.template.json": ws.template(),
	})
	return app
}

// watching serves the app's API with Watch on, looking every 100 ms, and
// returns the server, its address and its log.
func watching(t *testing.T, app string, opts *Options) (*Server, *httptest.Server, *syncBuffer) {
	t.Helper()
	apis, err := LoadAssembly(filepath.Join(app, "cdk.out"))
	if err != nil {
		t.Fatal(err)
	}
	api, err := Select(apis, "Api", "")
	if err != nil {
		t.Fatal(err)
	}
	log := &syncBuffer{}
	o := Options{Concurrency: 2, Log: log, AccessLog: io.Discard}
	if opts != nil {
		o.Handlers = opts.Handlers
	}
	srv, err := New(context.Background(), api, &o)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	ctx, cancel := context.WithCancel(context.Background())
	watched := make(chan error, 1)
	go func() {
		watched <- srv.Watch(ctx, &WatchOptions{CloudAssembly: filepath.Join(app, "cdk.out"), Interval: 100 * time.Millisecond})
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-watched; err != nil {
			t.Errorf("Watch: %v", err)
		}
		ts.Close()
		srv.Close()
	})
	if got := waitLog(log, "local: watching"); !strings.Contains(got, "local: watching the sources of") {
		t.Fatalf("Watch did not start:\n%s", got)
	}
	return srv, ts, log
}

// requestLoop sends GET requests to url from two clients, one after
// another, until stopped, and counts the answers by body and the failures.
type requestLoop struct {
	mu       sync.Mutex
	seen     map[string]int
	answers  []answer
	failures []string
	stop     chan struct{}
	done     sync.WaitGroup
}

func startLoop(url string) *requestLoop {
	l := &requestLoop{seen: map[string]int{}, stop: make(chan struct{})}
	client := &http.Client{Timeout: 30 * time.Second}
	for range 2 {
		l.done.Add(1)
		go func() {
			defer l.done.Done()
			for {
				select {
				case <-l.stop:
					return
				default:
				}
				sent := time.Now()
				resp, err := client.Get(url)
				var body []byte
				if err == nil {
					body, err = io.ReadAll(resp.Body)
					resp.Body.Close()
				}
				l.mu.Lock()
				switch {
				case err != nil:
					l.failures = append(l.failures, err.Error())
				case resp.StatusCode != 200:
					l.failures = append(l.failures, fmt.Sprintf("%d %s", resp.StatusCode, body))
				default:
					l.seen[string(body)]++
					l.answers = append(l.answers, answer{sent, string(body)})
				}
				l.mu.Unlock()
			}
		}()
	}
	return l
}

// answer is a request's answer and when the request was sent.
type answer struct {
	sent time.Time
	body string
}

// count returns how many answers had body.
func (l *requestLoop) count(body string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.seen[body]
}

// end stops the loop and fails the test if a request failed.
func (l *requestLoop) end(t *testing.T) {
	t.Helper()
	close(l.stop)
	l.done.Wait()
	if len(l.failures) > 0 {
		t.Errorf("%d request(s) failed, the first: %s", len(l.failures), l.failures[0])
	}
	t.Logf("answers: %v", l.seen)
}

// waitFor polls cond every 20 ms until it holds or timeout passes.
func waitFor(timeout time.Duration, cond func() bool) bool {
	for deadline := time.Now().Add(timeout); !cond(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			return false
		}
	}
	return true
}

func getBody(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// An edit of a function's source is served within seconds, and no request
// fails while the new build is swapped in: a request the old processes run
// finishes there (GET /hold, held until the new build serves), and those
// sent once the change is seen wait for the rebuild and get the new
// answer. The old processes then stop and their binary is removed.
func TestWatchRebuildsWithoutDroppingRequests(t *testing.T) {
	release := filepath.Join(t.TempDir(), "release")
	app := watchApp(t, watchStack{routes: []string{"GET /version", "GET /hold"}, env: "one", release: release})
	srv, ts, log := watching(t, app, nil)
	if status, body := getBody(t, ts.URL+"/version"); status != 200 || body != "v1" {
		t.Fatalf("GET /version: %d %s", status, body)
	}
	firstBinary := filepath.Join(srv.buildDir, "Fn")
	held := make(chan string, 1)
	go func() {
		resp, err := http.Get(ts.URL + "/hold")
		if err != nil {
			held <- err.Error()
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		held <- fmt.Sprintf("%d %s", resp.StatusCode, b)
	}()
	if !waitFor(10*time.Second, func() bool { _, err := os.Stat(release + ".held"); return err == nil }) {
		t.Fatal("GET /hold did not reach the function")
	}
	loop := startLoop(ts.URL + "/version")
	time.Sleep(200 * time.Millisecond)

	edited := time.Now()
	writeFiles(t, app, map[string]string{"fn/main.go": versionSource(t, "v2")})
	const seen = "local: main.go changed: rebuilding Fn\n"
	if !waitFor(10*time.Second, func() bool { return strings.Contains(log.String(), seen) }) {
		t.Fatalf("the edit was not seen:\n%s", log)
	}
	seenAt := time.Now()
	if !waitFor(30*time.Second, func() bool { return loop.count("v2") > 0 }) {
		loop.end(t)
		t.Fatalf("the edit was not served within 30 s:\n%s", log)
	}
	t.Logf("the edit was served %.1fs after it was saved", time.Since(edited).Seconds())
	os.WriteFile(release, nil, 0o644)
	if got := <-held; got != "200 v1" {
		t.Errorf("GET /hold, in flight on the old build during the swap: %s, want 200 v1", got)
	}
	time.Sleep(100 * time.Millisecond)
	loop.end(t)
	if loop.count("v1") == 0 || loop.count("v2") == 0 {
		t.Errorf("answers %v: want both versions", loop.seen)
	}
	for _, a := range loop.answers {
		if a.sent.After(seenAt) && a.body != "v2" {
			t.Errorf("a request sent %s after the change was seen got %q, want v2 (it waits for the rebuild)", a.sent.Sub(seenAt), a.body)
			break
		}
	}
	if want := "local: rebuilt Fn (example.com/versionfn) in "; !strings.Contains(waitLog(log, want), want) {
		t.Errorf("the log does not say %q:\n%s", want, log)
	}
	// Once its requests are done, the old build's processes stop.
	if !waitFor(10*time.Second, func() bool {
		srv.mu.Lock()
		defer srv.mu.Unlock()
		return len(srv.pools) == 1
	}) {
		t.Errorf("%d pools, want the new build's only", len(srv.pools))
	}
	if !waitFor(5*time.Second, func() bool { _, err := os.Stat(firstBinary); return os.IsNotExist(err) }) {
		t.Errorf("the old build's binary %s was not removed", firstBinary)
	}
}

// A build error is reported and the old build goes on serving, during the
// build and after; the next edit that builds is served.
func TestWatchBuildErrorKeepsTheOldBuild(t *testing.T) {
	app := watchApp(t, watchStack{routes: []string{"GET /version"}, env: "one"})
	_, ts, log := watching(t, app, nil)
	if status, body := getBody(t, ts.URL+"/version"); status != 200 || body != "v1" {
		t.Fatalf("GET /version: %d %s", status, body)
	}
	loop := startLoop(ts.URL + "/version")
	writeFiles(t, app, map[string]string{"fn/main.go": versionSource(t, "v2") + "\nfunc broken() {\n"})
	const failed = "local: rebuilding Fn failed; the previous build keeps serving:\nbuilding Fn (example.com/versionfn): exit status 1\n"
	got := waitLog(log, failed)
	for deadline := time.Now().Add(30 * time.Second); !strings.Contains(got, failed) && time.Now().Before(deadline); {
		got = waitLog(log, failed)
	}
	if !strings.Contains(got, failed) || !strings.Contains(got, "main.go:") {
		t.Fatalf("the log does not report the build error:\n%s", got)
	}
	time.Sleep(300 * time.Millisecond) // the old build serves after the failure too
	loop.end(t)
	if n := loop.count("v1"); n == 0 || len(loop.seen) != 1 {
		t.Errorf("answers %v: want v1 only", loop.seen)
	}
	writeFiles(t, app, map[string]string{"fn/main.go": versionSource(t, "v3")})
	if !waitFor(30*time.Second, func() bool { _, body := getBody(t, ts.URL+"/version"); return body == "v3" }) {
		t.Fatalf("the fixed source was not served:\n%s", log)
	}

	// A go.mod that go list cannot read: its fix is followed all the same.
	writeFiles(t, app, map[string]string{"fn/go.mod": "module example.com/versionfn\n\ngo 1.22\nbroken\n"})
	if !waitFor(30*time.Second, func() bool { return strings.Count(log.String(), failed) == 2 }) || !strings.Contains(log.String(), "unknown directive: broken") {
		t.Fatalf("the broken go.mod is not reported:\n%s", log)
	}
	writeFiles(t, app, map[string]string{"fn/main.go": versionSource(t, "v4")})
	time.Sleep(300 * time.Millisecond)
	writeFiles(t, app, map[string]string{"fn/go.mod": "module example.com/versionfn\n\ngo 1.22\n"})
	if !waitFor(30*time.Second, func() bool { _, body := getBody(t, ts.URL+"/version"); return body == "v4" }) {
		t.Fatalf("the fixed go.mod was not followed:\n%s", log)
	}
}

// A new synthesis reloads routes, stages and authorizers: requests in
// flight are not dropped, the function keeps its processes, and what
// changed is reported. A template that cannot be read is reported, and
// the API as it was goes on serving.
func TestWatchReloadsTheAssembly(t *testing.T) {
	app := watchApp(t, watchStack{routes: []string{"GET /version", "GET /old"}, env: "one"})
	srv, ts, log := watching(t, app, nil)
	if status, body := getBody(t, ts.URL+"/version"); status != 200 || body != "v1" {
		t.Fatalf("GET /version: %d %s", status, body)
	}
	pool := srv.config().functions["Fn"].(*slot).cur.pool
	loop := startLoop(ts.URL + "/version")

	template := filepath.Join(app, "cdk.out", "Api.template.json")
	writeFiles(t, app, map[string]string{"cdk.out/Api.template.json": `{"Resources": `})
	if got := waitLog(log, "again failed"); !strings.Contains(got, "local: reading "+filepath.Join(app, "cdk.out")+" again failed; Api/Api is served as it was: "+template+": unexpected end of JSON input") {
		t.Errorf("a broken template is not reported:\n%s", got)
	}

	next := watchStack{routes: []string{"GET /version", "GET /new", "GET /private"}, env: "two", authorized: "GET /private"}
	writeFiles(t, app, map[string]string{"cdk.out/Api.template.json": next.template()})
	const want = "local: reloaded stack Api, API Api: 2 routes added (GET /new, GET /private), 1 removed (GET /old); 1 stage changed ($default); 1 authorizer added (Auth)\n"
	if got := waitLog(log, "reloaded"); !strings.Contains(got, want) {
		t.Fatalf("the log does not say %q:\n%s", want, got)
	}
	loop.end(t)
	for path, status := range map[string]int{"/new": 200, "/old": 404, "/private": 401} {
		if got, body := getBody(t, ts.URL+path); got != status {
			t.Errorf("GET %s: %d %s, want %d", path, got, body, status)
		}
	}
	if got := srv.config().stages["$default"].Variables["env"]; got != "two" {
		t.Errorf("stage variable env %q, want two", got)
	}
	if srv.config().functions["Fn"].(*slot).cur.pool != pool {
		t.Errorf("the function was restarted, though its template properties did not change")
	}
}

// Reload serves a new version of an API run in process, and refuses one
// its options cannot serve, which leaves the old version serving.
func TestReloadInProcess(t *testing.T) {
	app := watchApp(t, watchStack{routes: []string{"GET /version"}, env: "one"})
	var version atomic.Value
	version.Store("in-process")
	handlers := map[string]lambda.Handler{"example.com/versionfn": handlerFunc(func(context.Context, []byte) ([]byte, error) {
		return []byte(`{"statusCode": 200, "body": "` + version.Load().(string) + `"}`), nil
	})}
	srv, ts, log := watching(t, app, &Options{Handlers: handlers})
	if status, body := getBody(t, ts.URL+"/version"); status != 200 || body != "in-process" {
		t.Fatalf("GET /version: %d %s", status, body)
	}

	api := loadAPI(t, watchStack{routes: []string{"GET /version", "GET /more"}, env: "one"}.template())
	api.Stack, api.Region = "Api", DefaultRegion
	if err := srv.Reload(context.Background(), api); err != nil {
		t.Fatal(err)
	}
	if want := "local: reloaded stack Api, API Api: 1 route added (GET /more)\n"; !strings.Contains(waitLog(log, want), want) {
		t.Errorf("the log does not say %q:\n%s", want, log)
	}
	if status, body := getBody(t, ts.URL+"/more"); status != 200 || body != "in-process" {
		t.Errorf("GET /more: %d %s", status, body)
	}

	srv.reloadMu.Lock() // Options are read under it
	srv.opts.Stages = []string{"$default"}
	srv.reloadMu.Unlock()
	api = loadAPI(t, watchStack{routes: []string{"GET /version"}, env: "one"}.template())
	api.Stack, api.Stages[0].Name = "Api", "prod"
	err := srv.Reload(context.Background(), api)
	if want := `stage "$default" is not a stage of Api (its stages: prod)`; err == nil || err.Error() != want {
		t.Errorf("Reload: %v, want %s", err, want)
	}
	if want := "local: reloading Api/Api failed; it is served as it was: " + err.Error(); !strings.Contains(waitLog(log, want), want) {
		t.Errorf("the log does not say %q:\n%s", want, log)
	}
	if status, body := getBody(t, ts.URL+"/more"); status != 200 || body != "in-process" {
		t.Errorf("after a refused reload, GET /more: %d %s", status, body)
	}
}

// Watch refuses options it cannot follow; with a template file, an API
// run in process is reloaded when the file changes.
func TestWatchTemplate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "Api.template.json")
	writeFiles(t, filepath.Dir(path), map[string]string{"Api.template.json": watchStack{routes: []string{"GET /version"}, env: "one"}.template()})
	apis, err := LoadTemplate(path, "Api")
	if err != nil {
		t.Fatal(err)
	}
	log := &syncBuffer{}
	handlers := map[string]lambda.Handler{"example.com/versionfn": handlerFunc(func(context.Context, []byte) ([]byte, error) {
		return []byte(`{"statusCode": 200, "body": "in-process"}`), nil
	})}
	srv, err := New(context.Background(), apis[0], &Options{Handlers: handlers, Log: log, AccessLog: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	for _, tc := range []struct {
		opts WatchOptions
		want string
	}{
		{WatchOptions{CloudAssembly: "cdk.out", Template: path}, "WatchOptions: CloudAssembly and Template are both set: the API is read from one of them"},
		{WatchOptions{Interval: -time.Second}, "WatchOptions.Interval: -1s: want a positive duration (0 for the default, 400ms)"},
	} {
		if err := srv.Watch(context.Background(), &tc.opts); err == nil || err.Error() != tc.want {
			t.Errorf("Watch(%+v): %v, want %s", tc.opts, err, tc.want)
		}
	}

	ctx, cancel := context.WithCancel(context.Background())
	watched := make(chan error, 1)
	go func() { watched <- srv.Watch(ctx, &WatchOptions{Template: path, Interval: 50 * time.Millisecond}) }()
	if got := waitLog(log, "local: watching"); !strings.Contains(got, "local: watching the sources of 0 function(s) (0 files) and the template "+path+" for changes") {
		t.Fatalf("Watch did not start:\n%s", got)
	}
	writeFiles(t, filepath.Dir(path), map[string]string{"Api.template.json": watchStack{routes: []string{"GET /version", "GET /more"}, env: "one"}.template()})
	if want := "local: reloaded stack Api, API Api: 1 route added (GET /more)\n"; !strings.Contains(waitLog(log, want), want) {
		t.Errorf("the log does not say %q:\n%s", want, log)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	if status, body := getBody(t, ts.URL+"/more"); status != 200 || body != "in-process" {
		t.Errorf("GET /more: %d %s", status, body)
	}
	cancel()
	if err := <-watched; err != nil {
		t.Errorf("Watch: %v", err)
	}
}

// A request that holds the API as it was two reloads ago can still invoke
// a function the first reload kept and the second rebuilt: the old build
// stops only once that request is done.
func TestReloadKeepsFunctionsForOlderRequests(t *testing.T) {
	app := watchApp(t, watchStack{routes: []string{"GET /version"}, env: "one"})
	read := func() *API {
		t.Helper()
		apis, err := LoadAssembly(filepath.Join(app, "cdk.out"))
		if err != nil {
			t.Fatal(err)
		}
		api, err := Select(apis, "Api", "")
		if err != nil {
			t.Fatal(err)
		}
		return api
	}
	srv, err := New(context.Background(), read(), &Options{Concurrency: 1, Log: &syncBuffer{}, AccessLog: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	// A request in flight on the first version, which has not invoked Fn
	// yet (it waits for an authorizer, say).
	held := srv.acquire()
	fn := held.function("Fn")
	oldPool := fn.(*slot).cur.pool

	// The first reload keeps Fn; the second changes its environment, which
	// rebuilds it.
	for _, ws := range []watchStack{
		{routes: []string{"GET /version"}, env: "two"},
		{routes: []string{"GET /version"}, env: "two", release: filepath.Join(t.TempDir(), "release")},
	} {
		writeFiles(t, app, map[string]string{"cdk.out/Api.template.json": ws.template()})
		if err := srv.Reload(context.Background(), read()); err != nil {
			t.Fatal(err)
		}
	}
	if srv.config().functions["Fn"].(*slot).cur.pool == oldPool {
		t.Fatal("the second reload did not rebuild Fn")
	}
	time.Sleep(10 * drainPoll) // time enough to retire what no request holds

	res, ok := fn.invoke([]byte(`{"rawPath": "/version"}`), time.Now().Add(10*time.Second))
	if !ok || res.outcome != outcomeOK || !strings.Contains(string(res.payload), `"body": "v1"`) {
		t.Errorf("invoking Fn on the config held across two reloads: ok %v, outcome %v, detail %q, payload %s; want the old build's answer",
			ok, res.outcome, res.detail, res.payload)
	}
	held.release()
	if !waitFor(5*time.Second, func() bool {
		srv.mu.Lock()
		defer srv.mu.Unlock()
		return !srv.pools[oldPool]
	}) {
		t.Error("the old build's processes did not stop once the request holding them was done")
	}
}

// embedSource is versionfn's source, answering the names of the files in
// its embedded directory static instead of its version.
func embedSource(t *testing.T) string {
	src := strings.Replace(versionSource(t, "v1"), "import (", "import (\n\t\"embed\"\n\t\"io/fs\"", 1)
	return strings.Replace(src, `const version = "v1"`, `//go:embed static
var static embed.FS

var version = func() string {
	var names []string
	fs.WalkDir(static, "static", func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			names = append(names, path)
		}
		return nil
	})
	return strings.Join(names, ",")
}()`, 1)
}

// A file added to a directory the function embeds is served: it changes
// nothing the function's build read, but what it embeds.
func TestWatchFollowsEmbeddedDirectory(t *testing.T) {
	app := watchApp(t, watchStack{routes: []string{"GET /version"}, env: "one"})
	writeFiles(t, app, map[string]string{"fn/main.go": embedSource(t), "fn/static/a.css": "a {}\n"})
	_, ts, log := watching(t, app, nil)
	if status, body := getBody(t, ts.URL+"/version"); status != 200 || body != "static/a.css" {
		t.Fatalf("GET /version: %d %s", status, body)
	}
	writeFiles(t, app, map[string]string{"fn/static/new.css": "b {}\n"})
	const seen = "local: static/new.css changed: rebuilding Fn\n"
	if !waitFor(10*time.Second, func() bool { return strings.Contains(log.String(), seen) }) {
		t.Fatalf("the new file was not seen:\n%s", log)
	}
	if !waitFor(30*time.Second, func() bool { _, body := getBody(t, ts.URL+"/version"); return body == "static/a.css,static/new.css" }) {
		t.Fatalf("the new file was not served:\n%s", log)
	}
}

// A function's sources include the directories an embed pattern can match
// a new file in, with their entries, and the workspace's go.work,
// go.work.sum and vendor/modules.txt, present or not.
func TestWatchSourcesFollowEmbedsAndWorkspace(t *testing.T) {
	app := t.TempDir()
	writeFiles(t, app, map[string]string{
		"go.work":             "go 1.22\n\nuse ./fn\n",
		"fn/go.mod":           "module example.com/embedfn\n\ngo 1.22\n",
		"fn/main.go":          "package main\n\nimport \"embed\"\n\n//go:embed static tmpl/*.html\nvar files embed.FS\n\nfunc main() { files.Open(\"static/a.css\") }\n",
		"fn/static/a.css":     "a {}\n",
		"fn/static/img/b.png": "png",
		"fn/tmpl/page.html":   "<p>\n",
	})
	fn := &Function{LogicalID: "Fn", GoPackage: "example.com/embedfn", ModulePath: "example.com/embedfn", ModuleDir: filepath.Join(app, "fn")}
	src, err := listSources(context.Background(), fn, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"go.work", "go.work.sum", "vendor/modules.txt", "fn/go.mod"} {
		if !slices.Contains(src.files, filepath.Join(app, f)) {
			t.Errorf("sources %q: %s is missing", src.files, f)
		}
	}
	before := src.snapshot()
	for _, tc := range []struct{ add, want string }{
		{"fn/static/new.css", "fn/static/new.css"},
		{"fn/static/img/c.png", "fn/static/img/c.png"},
		{"fn/static/fonts/d.woff", "fn/static/fonts"},
		{"fn/tmpl/other.html", "fn/tmpl/other.html"},
		{"go.work.sum", "go.work.sum"},
		{"vendor/modules.txt", "vendor/modules.txt"},
	} {
		writeFiles(t, app, map[string]string{tc.add: "x"})
		after := src.snapshot()
		if got, want := changed(after, before), filepath.Join(app, tc.want); got != want {
			t.Errorf("after adding %s, the change seen is %q, want %q", tc.add, got, want)
		}
		before = after
	}
	writeFiles(t, app, map[string]string{"fn/static/.a.css.swp": "x", "fn/static/_tmp": "x"})
	if got := changed(src.snapshot(), before); got != "" {
		t.Errorf("an editor's swap file is seen as a change: %s", got)
	}
}
