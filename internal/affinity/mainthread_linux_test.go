package affinity

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// mainThreadEnv makes the test binary run mainThreadChild instead of its
// tests, with its main goroutine locked to the main thread from init on.
const mainThreadEnv = "AFFINITY_TEST_MAIN_THREAD"

func init() {
	if os.Getenv(mainThreadEnv) != "" {
		runtime.LockOSThread() // the main goroutine runs on the main thread
	}
}

func TestMain(m *testing.M) {
	if os.Getenv(mainThreadEnv) != "" {
		if err := mainThreadChild(); err != nil {
			fmt.Println("FAIL:", err)
			os.Exit(1)
		}
		fmt.Println("launcher off the main thread")
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// mainThreadChild runs a launcher's goroutine on the main thread: it must
// hand over to another thread, or the parent-death signal of what it
// starts would never fire (an ended goroutine locked to the main thread
// leaves the thread parked).
func mainThreadChild() error {
	if !onMainThread() {
		return fmt.Errorf("the main goroutine is not on the main thread")
	}
	l := &Launcher{work: make(chan func(error)), quit: make(chan struct{}), done: make(chan struct{})}
	ready := make(chan error, 1)
	l.run(nil, ready, nil) // returns once handed over
	if err := <-ready; err != nil {
		return err
	}
	defer l.Close()
	var tid int
	if err := l.Start(func() error { tid = unix.Gettid(); return nil }); err != nil {
		return err
	}
	if tid == unix.Getpid() {
		return fmt.Errorf("the launcher runs on the main thread (tid %d)", tid)
	}
	return nil
}

// A launcher whose goroutine finds itself on the main thread moves to
// another one.
func TestLauncherLeavesTheMainThread(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), mainThreadEnv+"=1")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "launcher off the main thread") {
		t.Fatalf("%v\n%s", err, out)
	}
}
