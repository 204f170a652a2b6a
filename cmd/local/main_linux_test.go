package main

import (
	"bufio"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/httpapi-cdk/httpapi/internal/localtest"
)

// proc is a process, by pid and start time: a pid can be reused.
type proc struct {
	pid   int
	start string
}

// stat returns the fields of /proc/pid/stat after the command name.
func stat(pid int) []string {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return nil
	}
	s := string(b)
	return strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
}

// children returns the live child processes of pid.
func children(pid int) []proc {
	entries, _ := os.ReadDir("/proc")
	var found []proc
	for _, e := range entries {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		// Fields: state, ppid, ..., starttime (the 20th after the name).
		if f := stat(p); len(f) > 19 && f[1] == strconv.Itoa(pid) && f[0] != "Z" {
			found = append(found, proc{p, f[19]})
		}
	}
	return found
}

func (p proc) alive() bool {
	f := stat(p.pid)
	return len(f) > 19 && f[19] == p.start && f[0] != "Z"
}

// emulator is a running cmd/local serving the fixture.
type emulator struct {
	cmd    *exec.Cmd
	pid    int  // the emulator's, which is cmd's child under go run
	self   proc // the emulator, once it serves
	addr   string
	tmp    string
	stderr *localtest.Buffer
	exited chan struct{}
}

// start runs cmd/local on the fixture, the built binary or with go run,
// and waits until it serves and a function process runs.
func start(t *testing.T, goRun bool) *emulator {
	t.Helper()
	e := &emulator{tmp: t.TempDir(), stderr: &localtest.Buffer{}, exited: make(chan struct{})}
	args := []string{"-template", fixture, "-api", "V2", "-port", "0"}
	if goRun {
		e.cmd = exec.Command("go", append([]string{"run", "."}, args...)...)
	} else {
		e.cmd = exec.Command(binary, args...)
	}
	e.cmd.Env = append(os.Environ(), "TMPDIR="+e.tmp)
	stdout, err := e.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	e.cmd.Stderr = e.stderr
	// A parent's death must end Wait even while the emulator, which
	// inherited the output pipe, still runs.
	e.cmd.WaitDelay = time.Second
	if err := e.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		e.cmd.Wait()
		close(e.exited)
	}()
	t.Cleanup(func() {
		e.cmd.Process.Kill()
		if e.pid != 0 {
			syscall.Kill(e.pid, syscall.SIGKILL)
		}
		<-e.exited
	})
	e.pid = e.cmd.Process.Pid
	go func() { // the access log
		for lines := bufio.NewScanner(stdout); lines.Scan(); {
		}
	}()
	e.addr = waitOutput(t, e.stderr, 60*time.Second, listening)[1]
	if goRun { // the emulator is go run's only child once it serves
		kids := children(e.cmd.Process.Pid)
		if len(kids) != 1 {
			t.Fatalf("go run has %d children, want the emulator", len(kids))
		}
		e.pid = kids[0].pid
	}
	if f := stat(e.pid); len(f) > 19 {
		e.self = proc{e.pid, f[19]}
	}
	resp, err := http.Get("http://" + e.addr + "/echo/warm")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("GET /echo/warm: %d", resp.StatusCode)
	}
	return e
}

// stopped checks that the emulator exited, its function processes with
// it, its port is free and, unless keepDir, its build directory is gone.
func (e *emulator) stopped(t *testing.T, kids []proc, keepDir bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for _, p := range append(kids, e.self) {
		for p.alive() {
			if time.Now().After(deadline) {
				t.Fatalf("process %d is still running:\n%s", p.pid, e.stderr)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	ln, err := net.Listen("tcp", e.addr)
	if err != nil {
		t.Errorf("the port is still taken: %v", err)
	} else {
		ln.Close()
	}
	left, _ := filepath.Glob(filepath.Join(e.tmp, "httpapi-local-*"))
	if !keepDir && len(left) > 0 {
		t.Errorf("build directory left behind: %v", left)
	}
}

// SIGTERM and SIGINT stop the emulator, its function processes, and
// remove its build directory.
func TestSignalStopsEverything(t *testing.T) {
	t.Parallel() // each emulator has a directory and a port of its own
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		t.Run(sig.String(), func(t *testing.T) {
			t.Parallel()
			e := start(t, false)
			kids := children(e.pid)
			if len(kids) == 0 {
				t.Fatal("no function process is running")
			}
			syscall.Kill(e.pid, sig)
			select {
			case <-e.exited:
			case <-time.After(15 * time.Second):
				t.Fatalf("still running 15 s after %s:\n%s", sig, e.stderr)
			}
			if code := e.cmd.ProcessState.ExitCode(); code != 0 {
				t.Errorf("exit code %d after %s:\n%s", code, sig, e.stderr)
			}
			e.stopped(t, kids, false)
		})
	}
}

// `go run ./cmd/local` (and make) die of a SIGTERM without passing it on:
// the emulator, orphaned, must stop as after its own SIGTERM.
func TestGoRunSIGTERMStopsEverything(t *testing.T) {
	t.Parallel()
	e := start(t, true)
	kids := children(e.pid)
	if len(kids) == 0 {
		t.Fatal("no function process is running")
	}
	syscall.Kill(e.cmd.Process.Pid, syscall.SIGTERM)
	<-e.exited
	e.stopped(t, kids, false)
}

// An emulator killed outright (SIGKILL) cannot clean up, but its function
// processes die with it, even one busy with an invocation (which would not
// notice that its Runtime API is gone).
func TestKilledEmulatorTakesItsFunctions(t *testing.T) {
	t.Parallel()
	e := start(t, false)
	kids := children(e.pid)
	if len(kids) == 0 {
		t.Fatal("no function process is running")
	}
	go http.Get("http://" + e.addr + "/fault/hang") // sleeps an hour, past its 3 s timeout
	time.Sleep(300 * time.Millisecond)
	e.cmd.Process.Kill()
	<-e.exited
	e.stopped(t, kids, true)
}
