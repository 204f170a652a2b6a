package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// watchTemplate is a stack whose API routes routes to the function Fn,
// built from the module example.com/versionfn in the app's directory fn.
func watchTemplate(routes ...string) string {
	var b strings.Builder
	b.WriteString(`{"Resources": {
  "Api": {"Type": "AWS::ApiGatewayV2::Api", "Properties": {"Name": "Api", "ProtocolType": "HTTP"}},
  "Stage": {"Type": "AWS::ApiGatewayV2::Stage", "Properties": {"ApiId": {"Ref": "Api"}, "StageName": "$default", "AutoDeploy": true}},
  "Integration": {"Type": "AWS::ApiGatewayV2::Integration", "Properties": {"ApiId": {"Ref": "Api"}, "IntegrationType": "AWS_PROXY",
    "IntegrationUri": {"Fn::GetAtt": ["Fn", "Arn"]}, "PayloadFormatVersion": "2.0"}},
  "Fn": {"Type": "AWS::Lambda::Function", "Properties": {"Timeout": 10}, "Metadata": {"httpapi:GoPackage": "example.com/versionfn",
    "httpapi:GoModule": "example.com/versionfn", "httpapi:GoModuleDir": "fn"}}`)
	for i, key := range routes {
		fmt.Fprintf(&b, `,
  "Route%d": {"Type": "AWS::ApiGatewayV2::Route", "Properties": {"ApiId": {"Ref": "Api"}, "RouteKey": %q,
    "Target": {"Fn::Join": ["", ["integrations/", {"Ref": "Integration"}]]}}}`, i, key)
	}
	b.WriteString("\n}}")
	return b.String()
}

// writeApp writes files (path relative to app: content).
func writeApp(t *testing.T, app string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		path := filepath.Join(app, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(path), 0o755)
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// versionSource is the local package's test function answering version.
func versionSource(t *testing.T, version string) string {
	t.Helper()
	b, err := os.ReadFile("../../local/testdata/versionfn/main.go")
	if err != nil {
		t.Fatal(err)
	}
	return strings.Replace(string(b), `const version = "v1"`, `const version = "`+version+`"`, 1)
}

// With -watch, an edit of the function's source is served within seconds
// with no failed request in a loop of requests meanwhile, and a new
// synthesis that adds a route is served too.
func TestWatch(t *testing.T) {
	app := t.TempDir()
	writeApp(t, app, map[string]string{
		"fn/go.mod":  "module example.com/versionfn\n\ngo 1.22\n",
		"fn/main.go": versionSource(t, "v1"),
		"cdk.out/manifest.json": `{"version": "48.0.0", "artifacts": {"Api": {"type": "aws:cloudformation:stack",
  "properties": {"templateFile": "Api.template.json"}, "displayName": "Api"}}}`,
		"cdk.out/Api.template.json": watchTemplate("GET /version"),
	})
	cmd := exec.Command(binary, "-cdk-out", filepath.Join(app, "cdk.out"), "-port", "0", "-pin=false", "-concurrency", "2", "-watch")
	cmd.Dir = t.TempDir() // the emulator runs from anywhere
	cmd.Env = append(os.Environ(), "TMPDIR="+t.TempDir())
	stderr := &syncBuffer{}
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
	waitOutput := func(timeout time.Duration, re *regexp.Regexp) []string {
		t.Helper()
		for deadline := time.Now().Add(timeout); ; time.Sleep(20 * time.Millisecond) {
			if m := re.FindStringSubmatch(stderr.String()); m != nil {
				return m
			}
			if time.Now().After(deadline) {
				t.Fatalf("no %q in the output:\n%s", re, stderr)
			}
		}
	}
	url := waitOutput(2*time.Minute, regexp.MustCompile(`stage \$default at (http://\S+)/`))[1]
	waitOutput(30*time.Second, regexp.MustCompile(`local: watching the sources of 1 function\(s\) \(2 files\) and the cloud assembly `))

	// Two clients ask for the version until stopped.
	var mu sync.Mutex
	seen := map[string]int{}
	var failures []string
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				resp, err := http.Get(url + "/version")
				var body []byte
				if err == nil {
					body, _ = io.ReadAll(resp.Body)
					resp.Body.Close()
				}
				mu.Lock()
				if err != nil || resp.StatusCode != 200 {
					failures = append(failures, fmt.Sprintf("%v %s", err, body))
				} else {
					seen[string(body)]++
				}
				mu.Unlock()
			}
		}()
	}
	count := func(body string) int {
		mu.Lock()
		defer mu.Unlock()
		return seen[body]
	}
	time.Sleep(200 * time.Millisecond)
	edited := time.Now()
	writeApp(t, app, map[string]string{"fn/main.go": versionSource(t, "v2")})
	for deadline := time.Now().Add(30 * time.Second); count("v2") == 0; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			close(stop)
			wg.Wait()
			t.Fatalf("the edit was not served within 30 s:\n%s", stderr)
		}
	}
	t.Logf("the edit was served %.1fs after it was saved", time.Since(edited).Seconds())
	time.Sleep(200 * time.Millisecond)
	close(stop)
	wg.Wait()
	if len(failures) > 0 {
		t.Errorf("%d request(s) failed during the swap, the first: %s", len(failures), failures[0])
	}
	if seen["v1"] == 0 || seen["v2"] == 0 {
		t.Errorf("answers %v: want both versions", seen)
	}
	waitOutput(5*time.Second, regexp.MustCompile(`local: rebuilt Fn \(example.com/versionfn\) in \d+\.\ds\n`))

	writeApp(t, app, map[string]string{"cdk.out/Api.template.json": watchTemplate("GET /version", "GET /new")})
	waitOutput(30*time.Second, regexp.MustCompile(`local: reloaded stack Api, API Api: 1 route added \(GET /new\)\n`))
	resp, err := http.Get(url + "/new")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != "v2" {
		t.Errorf("GET /new: %d %s, want 200 v2", resp.StatusCode, body)
	}
}
