package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/httpapi-cdk/httpapi/internal/localtest"
)

// fixture is the emulator tests' template: the echo function behind two APIs.
const fixture = "../../test/testdata/EmulatorFixture.template.json"

// binary is cmd/local, built once for the tests.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "local-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "local")
	if out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building cmd/local: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// listening matches the line the emulator logs once it serves; its
// submatch is the address it serves at.
var listening = regexp.MustCompile(`local: stage \$default at http://(\S+)/`)

// waitOutput returns re's submatches in out once out holds a match, and
// fails the test if it does not within timeout.
func waitOutput(t *testing.T, out *localtest.Buffer, timeout time.Duration, re *regexp.Regexp) []string {
	t.Helper()
	var m []string
	if !localtest.WaitFor(timeout, func() bool { m = re.FindStringSubmatch(out.String()); return m != nil }) {
		t.Fatalf("no %q in the output:\n%s", re, out)
	}
	return m
}

// fixtureWith writes the fixture template into a temporary directory with
// edit applied to the properties of each of its resources of type typ,
// and returns the file's path.
func fixtureWith(t *testing.T, typ string, edit func(props map[string]any)) string {
	t.Helper()
	tpl := localtest.ReadTemplate(t, fixture)
	for _, r := range tpl["Resources"].(map[string]any) {
		if r := r.(map[string]any); r["Type"] == typ {
			edit(r["Properties"].(map[string]any))
		}
	}
	b, _ := json.Marshal(tpl)
	path := filepath.Join(t.TempDir(), "edited.template.json")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// startEmulator starts the command with args in dir ("" for this one),
// env added to this process's environment, and returns its standard
// error. The test's cleanup interrupts it and waits for it to end.
func startEmulator(t *testing.T, dir string, env []string, args ...string) *localtest.Buffer {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	stderr := &localtest.Buffer{}
	cmd.Stdout, cmd.Stderr = io.Discard, stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
	})
	return stderr
}

// What can be refused without building is refused before building: the
// emulator runs without go on its PATH, so an attempt to build would fail
// with another message, and leaves no build directory.
func TestRefusedBeforeBuilding(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	_, busyPort, _ := net.SplitHostPort(busy.Addr().String())
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"unknown stage", []string{"-stage", "nope"}, `local: stage "nope" is not a stage of V2HttpApi59373207 (its stages: $default, dev)`},
		{"port in use", []string{"-port", busyPort}, "bind: address already in use"},
		{"negative concurrency", []string{"-concurrency", "-1"}, "local: -concurrency -1: want 1 or more processes per function"},
		{"zero concurrency", []string{"-concurrency", "0"}, "local: -concurrency 0: want 1 or more processes per function"},
		{"port out of range", []string{"-port", "70000"}, "local: -port 70000: want 0 (any free port) to 65535"},
		{"-jwt-issuer for no authorizer", []string{"-jwt-issuer", "Nope=https://issuer.local"}, `local: Options.JWTAuthorizers: "Nope" is no JWT authorizer of V2HttpApi59373207 by logical id or Name (its JWT authorizers: none)`},
		{"-jwt-jwks without a file", []string{"-jwt-jwks", "Auth=" + filepath.Join(os.TempDir(), "no-such-jwks.json")}, "local: -jwt-jwks Auth: open"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tmp := t.TempDir()
			cmd := exec.Command(binary, append([]string{"-template", fixture, "-api", "V2", "-port", "0"}, tc.args...)...)
			cmd.Env = []string{"PATH=", "TMPDIR=" + tmp}
			out, err := cmd.CombinedOutput()
			if err == nil || cmd.ProcessState.ExitCode() != 1 {
				t.Fatalf("exit %v, want 1:\n%s", err, out)
			}
			if !strings.Contains(string(out), tc.want) || strings.Contains(string(out), "building") {
				t.Errorf("output:\n%s\nwant %q, and nothing built", out, tc.want)
			}
			if left, _ := filepath.Glob(filepath.Join(tmp, "*")); len(left) > 0 {
				t.Errorf("left behind: %v", left)
			}
		})
	}
}
