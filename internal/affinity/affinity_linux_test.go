package affinity

import (
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestLauncherConfinesTheChild(t *testing.T) {
	cpus, err := Allowed()
	if err != nil {
		t.Fatal(err)
	}
	if len(cpus) == 0 {
		t.Fatal("no allowed CPU")
	}
	last := cpus[len(cpus)-1]
	var out strings.Builder
	cmd := exec.Command("grep", "Cpus_allowed_list", "/proc/self/status")
	cmd.Stdout = &out
	l, err := NewLauncher([]int{last})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if err := l.Start(cmd.Start); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(strings.Fields(out.String()), " "), "Cpus_allowed_list: "+strconv.Itoa(last); got != want {
		t.Errorf("child: %q, want %q", got, want)
	}
	// The calling thread kept its CPUs.
	after, err := Allowed()
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != len(cpus) {
		t.Errorf("after NewLauncher: allowed %v, want %v", after, cpus)
	}
}

// Process moves every thread, the launcher's too: the launcher confines
// its thread again before it starts a child.
func TestLauncherOutlastsProcess(t *testing.T) {
	cpus, err := Allowed()
	if err != nil {
		t.Fatal(err)
	}
	if len(cpus) < 2 {
		t.Skip("needs two CPUs")
	}
	first, last := cpus[0], cpus[len(cpus)-1]
	l, err := NewLauncher([]int{last})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if err := Process([]int{first}); err != nil {
		t.Fatal(err)
	}
	defer Process(cpus)
	var out strings.Builder
	cmd := exec.Command("grep", "Cpus_allowed_list", "/proc/self/status")
	cmd.Stdout = &out
	if err := l.Start(cmd.Start); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(strings.Fields(out.String()), " "), "Cpus_allowed_list: "+strconv.Itoa(last); got != want {
		t.Errorf("child started after Process(%d): %q, want %q", first, got, want)
	}
}

func TestLauncherRefusesBadCPUs(t *testing.T) {
	l, err := NewLauncher([]int{1 << 20})
	if err == nil || !strings.Contains(err.Error(), "CPU 1048576 is out of range (0 to 1023)") || l != nil {
		t.Errorf("NewLauncher with CPU 1<<20: %v, %v", l, err)
	}
}

// A child started with a parent-death signal lives as long as the
// launcher, not as long as the goroutine that asked for it, and gets the
// signal when the launcher closes.
func TestLauncherKeepsParentDeathSignalsForItsLifetime(t *testing.T) {
	allowed, err := Allowed()
	if err != nil {
		t.Fatal(err)
	}
	for _, cpus := range [][]int{nil, allowed[:1]} {
		l, err := NewLauncher(cpus)
		if err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command("sleep", "60")
		cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
		if err := l.Start(cmd.Start); err != nil {
			t.Fatal(err)
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		select {
		case err := <-exited:
			t.Fatalf("CPUs %v: the child died while the launcher runs: %v", cpus, err)
		case <-time.After(200 * time.Millisecond):
		}
		l.Close()
		select {
		case err := <-exited:
			if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || ws.Signal() != syscall.SIGKILL {
				t.Errorf("CPUs %v: after Close the child ended with %v, want SIGKILL", cpus, err)
			}
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			t.Errorf("CPUs %v: the child outlived the launcher", cpus)
		}
		if err := l.Start(func() error { return nil }); err != ErrClosed {
			t.Errorf("Start after Close: %v, want ErrClosed", err)
		}
	}
}

func TestProcessConfinesEveryThread(t *testing.T) {
	cpus, err := Allowed()
	if err != nil {
		t.Fatal(err)
	}
	last := cpus[len(cpus)-1]
	if err := Process([]int{last}); err != nil {
		t.Fatal(err)
	}
	defer Process(cpus)
	tasks, err := os.ReadDir("/proc/self/task")
	if err != nil {
		t.Fatal(err)
	}
	for _, task := range tasks {
		status, err := os.ReadFile("/proc/self/task/" + task.Name() + "/status")
		if err != nil {
			continue // the thread exited
		}
		if !strings.Contains(string(status), "Cpus_allowed_list:\t"+strconv.Itoa(last)+"\n") {
			t.Errorf("thread %s is not confined to CPU %d", task.Name(), last)
		}
	}
}
