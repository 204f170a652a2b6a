package local

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/httpapi-cdk/httpapi/internal/localtest"
)

// watchStack is a stack whose API routes its routes to versionfn, built
// from the module example.com/versionfn in the app's directory fn.
type watchStack struct {
	routes     []string // route keys
	env        string   // the $default stage's variable env
	authorized string   // a route key guarded by a JWT authorizer, or ""
	release    string   // the function's $RELEASE: see versionfn
}

// template returns the stack's template.
func (ws watchStack) template() string {
	tp := localtest.VersionStack(ws.routes...)
	tp.StageVariables = map[string]string{"env": ws.env}
	tp.JWTRoute = ws.authorized
	if ws.release != "" {
		tp.Environment = map[string]string{"RELEASE": ws.release}
	}
	return tp.JSON()
}

// watchApp writes an app directory: versionfn in a module of its own in
// fn, and cdk.out with stack Api. It returns the app's directory.
func watchApp(t *testing.T, ws watchStack) string {
	app := t.TempDir()
	localtest.WriteVersionApp(t, app, ws.template())
	return app
}

// watching serves the app's API with Watch on, looking every 100 ms, and
// returns the server, its address and its log.
func watching(t *testing.T, app string, opts *Options) (*Server, *httptest.Server, *localtest.Buffer) {
	t.Helper()
	apis, err := LoadAssembly(filepath.Join(app, "cdk.out"))
	if err != nil {
		t.Fatal(err)
	}
	api, err := Select(apis, "Api", "")
	if err != nil {
		t.Fatal(err)
	}
	log := &localtest.Buffer{}
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

// An edit of a function's source is served within seconds, and no request
// fails while the new build is swapped in: a request the old processes run
// finishes there (GET /hold, held until the new build serves), and those
// sent once the change is seen wait for the rebuild and get the new
// answer. The old processes then stop and their binary is removed.
func TestWatchRebuildsWithoutDroppingRequests(t *testing.T) {
	release := filepath.Join(t.TempDir(), "release")
	app := watchApp(t, watchStack{routes: []string{"GET /version", "GET /hold"}, env: "one", release: release})
	srv, ts, log := watching(t, app, nil)
	if status, body := localtest.Get(t, ts.URL+"/version"); status != 200 || body != "v1" {
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
	if !localtest.WaitFor(10*time.Second, func() bool { _, err := os.Stat(release + ".held"); return err == nil }) {
		t.Fatal("GET /hold did not reach the function")
	}
	loop := localtest.StartLoop(ts.URL + "/version")
	time.Sleep(200 * time.Millisecond)

	edited := time.Now()
	localtest.WriteFiles(t, app, map[string]string{"fn/main.go": localtest.VersionSource(t, "v2")})
	const seen = "local: main.go changed: rebuilding Fn\n"
	if !localtest.WaitFor(10*time.Second, func() bool { return strings.Contains(log.String(), seen) }) {
		t.Fatalf("the edit was not seen:\n%s", log)
	}
	seenAt := time.Now()
	if !localtest.WaitFor(30*time.Second, func() bool { return loop.Count("v2") > 0 }) {
		loop.End(t)
		t.Fatalf("the edit was not served within 30 s:\n%s", log)
	}
	t.Logf("the edit was served %.1fs after it was saved", time.Since(edited).Seconds())
	os.WriteFile(release, nil, 0o644)
	if got := <-held; got != "200 v1" {
		t.Errorf("GET /hold, in flight on the old build during the swap: %s, want 200 v1", got)
	}
	time.Sleep(100 * time.Millisecond)
	loop.End(t)
	if loop.Count("v1") == 0 || loop.Count("v2") == 0 {
		t.Errorf("answers %v: want both versions", loop.Seen())
	}
	for _, a := range loop.Answers() {
		if a.Sent.After(seenAt) && a.Body != "v2" {
			t.Errorf("a request sent %s after the change was seen got %q, want v2 (it waits for the rebuild)", a.Sent.Sub(seenAt), a.Body)
			break
		}
	}
	if want := "local: rebuilt Fn (example.com/versionfn) in "; !strings.Contains(waitLog(log, want), want) {
		t.Errorf("the log does not say %q:\n%s", want, log)
	}
	// Once its requests are done, the old build's processes stop.
	if !localtest.WaitFor(10*time.Second, func() bool {
		srv.mu.Lock()
		defer srv.mu.Unlock()
		return len(srv.pools) == 1
	}) {
		t.Errorf("%d pools, want the new build's only", len(srv.pools))
	}
	if !localtest.WaitFor(5*time.Second, func() bool { _, err := os.Stat(firstBinary); return os.IsNotExist(err) }) {
		t.Errorf("the old build's binary %s was not removed", firstBinary)
	}
}

// A build error is reported and the old build goes on serving, during the
// build and after; the next edit that builds is served.
func TestWatchBuildErrorKeepsTheOldBuild(t *testing.T) {
	app := watchApp(t, watchStack{routes: []string{"GET /version"}, env: "one"})
	_, ts, log := watching(t, app, nil)
	if status, body := localtest.Get(t, ts.URL+"/version"); status != 200 || body != "v1" {
		t.Fatalf("GET /version: %d %s", status, body)
	}
	loop := localtest.StartLoop(ts.URL + "/version")
	localtest.WriteFiles(t, app, map[string]string{"fn/main.go": localtest.VersionSource(t, "v2") + "\nfunc broken() {\n"})
	const failed = "local: rebuilding Fn failed; the previous build keeps serving:\nbuilding Fn (example.com/versionfn): exit status 1\n"
	localtest.WaitFor(30*time.Second, func() bool { return strings.Contains(log.String(), failed) })
	got := log.String()
	if !strings.Contains(got, failed) || !strings.Contains(got, "main.go:") {
		t.Fatalf("the log does not report the build error:\n%s", got)
	}
	time.Sleep(300 * time.Millisecond) // the old build serves after the failure too
	loop.End(t)
	if n := loop.Count("v1"); n == 0 || len(loop.Seen()) != 1 {
		t.Errorf("answers %v: want v1 only", loop.Seen())
	}
	localtest.WriteFiles(t, app, map[string]string{"fn/main.go": localtest.VersionSource(t, "v3")})
	if !localtest.WaitFor(30*time.Second, func() bool { _, body := localtest.Get(t, ts.URL+"/version"); return body == "v3" }) {
		t.Fatalf("the fixed source was not served:\n%s", log)
	}

	// A go.mod that go list cannot read: its fix is followed all the same.
	localtest.WriteFiles(t, app, map[string]string{"fn/go.mod": localtest.VersionGoMod + "broken\n"})
	if !localtest.WaitFor(30*time.Second, func() bool { return strings.Count(log.String(), failed) == 2 }) || !strings.Contains(log.String(), "unknown directive: broken") {
		t.Fatalf("the broken go.mod is not reported:\n%s", log)
	}
	localtest.WriteFiles(t, app, map[string]string{"fn/main.go": localtest.VersionSource(t, "v4")})
	time.Sleep(300 * time.Millisecond)
	localtest.WriteFiles(t, app, map[string]string{"fn/go.mod": localtest.VersionGoMod})
	if !localtest.WaitFor(30*time.Second, func() bool { _, body := localtest.Get(t, ts.URL+"/version"); return body == "v4" }) {
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
	if status, body := localtest.Get(t, ts.URL+"/version"); status != 200 || body != "v1" {
		t.Fatalf("GET /version: %d %s", status, body)
	}
	pool := srv.config().functions["Fn"].(*slot).cur.pool
	loop := localtest.StartLoop(ts.URL + "/version")

	template := filepath.Join(app, "cdk.out", "Api.template.json")
	localtest.WriteFiles(t, app, map[string]string{"cdk.out/Api.template.json": `{"Resources": `})
	if got := waitLog(log, "again failed"); !strings.Contains(got, "local: reading "+filepath.Join(app, "cdk.out")+" again failed; Api/Api is served as it was: "+template+": unexpected end of JSON input") {
		t.Errorf("a broken template is not reported:\n%s", got)
	}

	next := watchStack{routes: []string{"GET /version", "GET /new", "GET /private"}, env: "two", authorized: "GET /private"}
	localtest.WriteFiles(t, app, map[string]string{"cdk.out/Api.template.json": next.template()})
	const want = "local: reloaded stack Api, API Api: 2 routes added (GET /new, GET /private), 1 removed (GET /old); 1 stage changed ($default); 1 authorizer added (Auth)\n"
	if got := waitLog(log, "reloaded"); !strings.Contains(got, want) {
		t.Fatalf("the log does not say %q:\n%s", want, got)
	}
	loop.End(t)
	for path, status := range map[string]int{"/new": 200, "/old": 404, "/private": 401} {
		if got, body := localtest.Get(t, ts.URL+path); got != status {
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
	if status, body := localtest.Get(t, ts.URL+"/version"); status != 200 || body != "in-process" {
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
	if status, body := localtest.Get(t, ts.URL+"/more"); status != 200 || body != "in-process" {
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
	if status, body := localtest.Get(t, ts.URL+"/more"); status != 200 || body != "in-process" {
		t.Errorf("after a refused reload, GET /more: %d %s", status, body)
	}
}

// Watch refuses options it cannot follow; with a template file, an API
// run in process is reloaded when the file changes.
func TestWatchTemplate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "Api.template.json")
	localtest.WriteFiles(t, filepath.Dir(path), map[string]string{"Api.template.json": watchStack{routes: []string{"GET /version"}, env: "one"}.template()})
	apis, err := LoadTemplate(path, "Api")
	if err != nil {
		t.Fatal(err)
	}
	log := &localtest.Buffer{}
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
	localtest.WriteFiles(t, filepath.Dir(path), map[string]string{"Api.template.json": watchStack{routes: []string{"GET /version", "GET /more"}, env: "one"}.template()})
	if want := "local: reloaded stack Api, API Api: 1 route added (GET /more)\n"; !strings.Contains(waitLog(log, want), want) {
		t.Errorf("the log does not say %q:\n%s", want, log)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	if status, body := localtest.Get(t, ts.URL+"/more"); status != 200 || body != "in-process" {
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
	srv, err := New(context.Background(), read(), &Options{Concurrency: 1, Log: &localtest.Buffer{}, AccessLog: io.Discard})
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
		localtest.WriteFiles(t, app, map[string]string{"cdk.out/Api.template.json": ws.template()})
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
	if !localtest.WaitFor(5*time.Second, func() bool {
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
	src := strings.Replace(localtest.VersionSource(t, "v1"), "import (", "import (\n\t\"embed\"\n\t\"io/fs\"", 1)
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
	localtest.WriteFiles(t, app, map[string]string{"fn/main.go": embedSource(t), "fn/static/a.css": "a {}\n"})
	_, ts, log := watching(t, app, nil)
	if status, body := localtest.Get(t, ts.URL+"/version"); status != 200 || body != "static/a.css" {
		t.Fatalf("GET /version: %d %s", status, body)
	}
	localtest.WriteFiles(t, app, map[string]string{"fn/static/new.css": "b {}\n"})
	const seen = "local: static/new.css changed: rebuilding Fn\n"
	if !localtest.WaitFor(10*time.Second, func() bool { return strings.Contains(log.String(), seen) }) {
		t.Fatalf("the new file was not seen:\n%s", log)
	}
	if !localtest.WaitFor(30*time.Second, func() bool {
		_, body := localtest.Get(t, ts.URL+"/version")
		return body == "static/a.css,static/new.css"
	}) {
		t.Fatalf("the new file was not served:\n%s", log)
	}
}

// A function's sources include the directories an embed pattern can match
// a new file in, with their entries, and the workspace's go.work,
// go.work.sum and vendor/modules.txt, present or not.
func TestWatchSourcesFollowEmbedsAndWorkspace(t *testing.T) {
	app := t.TempDir()
	localtest.WriteFiles(t, app, map[string]string{
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
		localtest.WriteFiles(t, app, map[string]string{tc.add: "x"})
		after := src.snapshot()
		if got, want := changed(after, before), filepath.Join(app, tc.want); got != want {
			t.Errorf("after adding %s, the change seen is %q, want %q", tc.add, got, want)
		}
		before = after
	}
	localtest.WriteFiles(t, app, map[string]string{"fn/static/.a.css.swp": "x", "fn/static/_tmp": "x"})
	if got := changed(src.snapshot(), before); got != "" {
		t.Errorf("an editor's swap file is seen as a change: %s", got)
	}
}
