package local

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/httpapi-cdk/httpapi/internal/localtest"
)

// TestWatchSynthesizesTheApp: with WatchOptions.Synthesize, an edit of
// the CDK app's Go sources (here the package holding its route table) runs
// the synthesis in the app's directory, and the new assembly's route is
// served; an edit of a file the app does not build from runs nothing.
func TestWatchSynthesizesTheApp(t *testing.T) {
	app := t.TempDir()
	before, after := localtest.EchoStack("test"), localtest.EchoStack("test")
	after.Routes = append(after.Routes, "GET /added")
	localtest.WriteFiles(t, app, map[string]string{
		"go.mod":                      "module example.com/app\n\ngo 1.22\n",
		"main.go":                     "package main\n\nimport \"example.com/app/routes\"\n\nfunc main() { println(routes.Keys) }\n",
		"routes/routes.go":            "package routes\n\nconst Keys = \"GET /echo\"\n",
		"notes.txt":                   "not a source\n",
		"cdk.out/manifest.json":       localtest.StackManifest("Stack"),
		"cdk.out/Stack.template.json": before.JSON(),
		"next.template.json":          after.JSON(),
	})
	out := filepath.Join(app, "cdk.out")
	apis, err := LoadAssembly(out)
	if err != nil {
		t.Fatal(err)
	}
	log := &localtest.Buffer{}
	srv, err := New(context.Background(), apis[0], &Options{Handlers: map[string]lambda.Handler{localtest.EchoPackage: handlerFunc(inProcessEcho)}, Log: log, AccessLog: log})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	synth := []string{"/bin/sh", "-c", "cp next.template.json cdk.out/Stack.template.json && echo synthesized by $(pwd)"}
	go srv.Watch(ctx, &WatchOptions{CloudAssembly: out, Interval: 50 * time.Millisecond, Synthesize: synth})
	served := func(path string) int {
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		return rec.Code
	}
	if !localtest.WaitFor(20*time.Second, func() bool { return strings.Contains(log.String(), "watching the CDK app in "+app) }) {
		t.Fatalf("the app is not watched:\n%s", log.String())
	}
	if got := served("/added"); got != 404 {
		t.Fatalf("GET /added before the edit: %d", got)
	}
	os.WriteFile(filepath.Join(app, "notes.txt"), []byte("still not a source, edited\n"), 0o644)
	time.Sleep(300 * time.Millisecond) // several looks
	if strings.Contains(log.String(), "synthesizing") {
		t.Fatalf("an edit of a file the app does not build from ran the synthesis:\n%s", log.String())
	}
	os.WriteFile(filepath.Join(app, "routes", "routes.go"), []byte("package routes\n\nconst Keys = \"GET /echo, GET /added\"\n"), 0o644)
	if !localtest.WaitFor(30*time.Second, func() bool { return served("/added") == 200 }) {
		t.Fatalf("the added route is not served:\n%s", log.String())
	}
	for _, want := range []string{"the app's sources changed (routes/routes.go): synthesizing: /bin/sh", "synthesized in", "1 route added (GET /added)"} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("the log does not say %q:\n%s", want, log.String())
		}
	}
}
