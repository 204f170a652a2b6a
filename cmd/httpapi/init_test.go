package main

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"go/format"
	"io"
	"io/fs"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/httpapi-cdk/httpapi/internal/localtest"
)

// TestInitProject creates a project with init in a temporary directory
// and runs its make synth, make test and one request through make local,
// as its README says. It reuses this checkout's installed CDK CLI and
// Node.js (the project's .tools/node_modules is a symbolic link to this
// checkout's, which `make tools` installs from the same lock file) and the
// machine's Go module and build caches; it takes about 30 s, most of it
// the synthesis. CDK_VALIDATION=false skips aws-cdk-lib's CloudFormation
// validation, as the repository's own tests do.
func TestInitProject(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	nodeModules := filepath.Join(root, ".tools", "node_modules")
	lock, err := os.ReadFile(filepath.Join(root, ".tools", "package-lock.json"))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(lock)
	if got, _ := os.ReadFile(filepath.Join(nodeModules, ".lock-sha256")); strings.TrimSpace(string(got)) != hex.EncodeToString(sum[:]) {
		t.Fatalf("%s is not installed from .tools/package-lock.json: run make tools (make test does)", nodeModules)
	}

	dir := filepath.Join(t.TempDir(), "todo-api")
	if err := runInit([]string{dir}); err != nil {
		t.Fatal(err)
	}
	for _, rel := range copiedFiles {
		want, _ := os.ReadFile(filepath.Join(root, rel))
		if got, err := os.ReadFile(filepath.Join(dir, rel)); err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s is not this module's (%v)", rel, err)
		}
	}
	gomod, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"module example.com/todo-api\n", "replace github.com/httpapi-cdk/httpapi => " + filepath.ToSlash(root) + "\n", "tool github.com/httpapi-cdk/httpapi/cmd/local\n"} {
		if !strings.Contains(string(gomod), want) {
			t.Errorf("go.mod has no %q:\n%s", want, gomod)
		}
	}
	// The Go files it writes are gofmt-formatted.
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(path, ".go") {
			src, _ := os.ReadFile(path)
			if formatted, err := format.Source(src); err != nil || !bytes.Equal(formatted, src) {
				t.Errorf("%s is not gofmt-formatted (%v)", path, err)
			}
		}
		return err
	})
	if err := os.Symlink(nodeModules, filepath.Join(dir, ".tools", "node_modules")); err != nil {
		t.Fatal(err)
	}

	// The project's make runs on its own: not as a job of the make that
	// may run this test.
	var env []string
	for _, kv := range os.Environ() {
		if name, _, _ := strings.Cut(kv, "="); name != "MAKEFLAGS" && name != "MFLAGS" && name != "MAKELEVEL" {
			env = append(env, kv)
		}
	}
	env = append(env, "CDK_VALIDATION=false")
	makeTarget := func(target string) {
		t.Helper()
		start := time.Now()
		cmd := exec.Command("make", "--no-print-directory", target)
		cmd.Dir, cmd.Env = dir, env
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("make %s: %v\n%s", target, err, out)
		}
		t.Logf("make %s: %s", target, time.Since(start).Round(100*time.Millisecond))
	}
	makeTarget("synth")
	openapi, err := os.ReadFile(filepath.Join(dir, "cdk.out", "TodoApi.openapi.json"))
	if err != nil || !bytes.Contains(openapi, []byte(`"/hello/{name}"`)) || !bytes.Contains(openapi, []byte(`"/todos"`)) {
		t.Errorf("cdk.out/TodoApi.openapi.json does not hold the table's routes (%v):\n%.500s", err, openapi)
	}
	makeTarget("test")

	// make dev (make local with -watch) on any free port: the emulator
	// says which on its log.
	start := time.Now()
	cmd := exec.Command("make", "--no-print-directory", "dev", "LOCALFLAGS=-port 0 -pin=false")
	cmd.Dir, cmd.Env = dir, env
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		cmd.Wait()
	}()
	listening := regexp.MustCompile(`stage \$default at (http://\S+)/`)
	var base string
	var log strings.Builder
	lines := bufio.NewScanner(stderr)
	for base == "" && lines.Scan() {
		log.WriteString(lines.Text() + "\n")
		if m := listening.FindStringSubmatch(lines.Text()); m != nil {
			base = m[1]
		}
	}
	if base == "" {
		t.Fatalf("make local did not start serving:\n%s", log.String())
	}
	var rest localtest.Buffer
	go io.Copy(&rest, stderr)
	resp, err := http.Post(base+"/todos", "application/json", strings.NewReader(`{"title":"milk"}`))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated || !strings.Contains(string(body), `"title":"milk"`) {
		t.Errorf("POST /todos through make local: %d %s, want 201 and the todo", resp.StatusCode, body)
	}
	t.Logf("make local and one request: %s", time.Since(start).Round(100*time.Millisecond))

	// The dev loop: a route added to the table is synthesized and served,
	// with no hand-run cdk synth.
	start = time.Now()
	if !localtest.WaitFor(time.Minute, func() bool { return strings.Contains(rest.String(), "watching the CDK app in") }) {
		t.Fatalf("make dev does not follow the app:\n%s%s", log.String(), rest.String())
	}
	appFile := filepath.Join(dir, "function", "app", "app.go")
	src, err := os.ReadFile(appFile)
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(string(src), `lambdahttp.JSONRoute("GET /hello/{name}", hello,`, `lambdahttp.JSONRoute("GET /hi/{name}", hello),
	lambdahttp.JSONRoute("GET /hello/{name}", hello,`, 1)
	if edited == string(src) {
		t.Fatal("the route table is not where the test expects it")
	}
	if err := os.WriteFile(appFile, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	served := func() bool {
		resp, err := http.Get(base + "/hi/ann")
		if err != nil {
			return false
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp.StatusCode == 200 && strings.Contains(string(b), "Hello, ann!")
	}
	if !localtest.WaitFor(3*time.Minute, served) {
		t.Fatalf("GET /hi/{name}, added to the table, is not served:\n%s%s", log.String(), rest.String())
	}
	for _, want := range []string{"the app's sources changed (function/app/app.go): synthesizing", "1 route added (GET /hi/{name})"} {
		if !localtest.WaitFor(5*time.Second, func() bool { return strings.Contains(rest.String(), want) }) {
			t.Errorf("make dev's log does not say %q:\n%s", want, rest.String())
		}
	}
	t.Logf("a route added to the table, served: %s", time.Since(start).Round(100*time.Millisecond))
}

// TestInitRefuses: init writes into a new or empty directory only, and
// checks the names it is given.
func TestInitRefuses(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.go"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{dir},
		{"-stack", "9lives", filepath.Join(t.TempDir(), "x")},
		{"-module", "Not A Path", filepath.Join(t.TempDir(), "x")},
		{"-checkout", t.TempDir(), filepath.Join(t.TempDir(), "x")},
	} {
		if err := runInit(args); err == nil {
			t.Errorf("init %q: no error", args)
		}
	}
}

func TestCamel(t *testing.T) {
	for in, want := range map[string]string{"todo-api": "TodoApi", "my_app2": "MyApp2", "2fa": "App2fa", "---": "App"} {
		if got := camel(in); got != want {
			t.Errorf("camel(%q) = %q, want %q", in, got, want)
		}
	}
}
