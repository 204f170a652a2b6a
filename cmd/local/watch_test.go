package main

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/httpapi-cdk/httpapi/internal/localtest"
)

// With -watch, an edit of the function's source is served within seconds
// with no failed request in a loop of requests meanwhile, and a new
// synthesis that adds a route is served too.
func TestWatch(t *testing.T) {
	app := t.TempDir()
	localtest.WriteVersionApp(t, app, localtest.VersionStack("GET /version").JSON())
	cmd := exec.Command(binary, "-cdk-out", filepath.Join(app, "cdk.out"), "-port", "0", "-pin=false", "-concurrency", "2", "-watch")
	cmd.Dir = t.TempDir() // the emulator runs from anywhere
	cmd.Env = append(os.Environ(), "TMPDIR="+t.TempDir())
	stderr := &localtest.Buffer{}
	cmd.Stdout, cmd.Stderr = io.Discard, stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		cmd.Process.Signal(os.Interrupt)
		select {
		case err := <-exited:
			if err != nil {
				t.Errorf("after SIGINT: %v\n%s", err, stderr)
			}
		case <-time.After(15 * time.Second):
			cmd.Process.Kill()
			t.Errorf("still running 15 s after SIGINT")
		}
	}()
	url := "http://" + waitOutput(t, stderr, 2*time.Minute, listening)[1]
	waitOutput(t, stderr, 30*time.Second, regexp.MustCompile(`local: watching the sources of 1 function\(s\) \(2 files\) and the cloud assembly `))

	// Two clients ask for the version until stopped.
	loop := localtest.StartLoop(url + "/version")
	time.Sleep(200 * time.Millisecond)
	edited := time.Now()
	localtest.WriteFiles(t, app, map[string]string{"fn/main.go": localtest.VersionSource(t, "v2")})
	if !localtest.WaitFor(30*time.Second, func() bool { return loop.Count("v2") > 0 }) {
		loop.End(t)
		t.Fatalf("the edit was not served within 30 s:\n%s", stderr)
	}
	t.Logf("the edit was served %.1fs after it was saved", time.Since(edited).Seconds())
	time.Sleep(200 * time.Millisecond)
	loop.End(t)
	if loop.Count("v1") == 0 || loop.Count("v2") == 0 {
		t.Errorf("answers %v: want both versions", loop.Seen())
	}
	waitOutput(t, stderr, 5*time.Second, regexp.MustCompile(`local: rebuilt Fn \(example.com/versionfn\) in \d+\.\ds\n`))

	localtest.WriteFiles(t, app, map[string]string{"cdk.out/Api.template.json": localtest.VersionStack("GET /version", "GET /new").JSON()})
	waitOutput(t, stderr, 30*time.Second, regexp.MustCompile(`local: reloaded stack Api, API Api: 1 route added \(GET /new\)\n`))
	if status, body := localtest.Get(t, url+"/new"); status != 200 || body != "v2" {
		t.Errorf("GET /new: %d %s, want 200 v2", status, body)
	}
}
