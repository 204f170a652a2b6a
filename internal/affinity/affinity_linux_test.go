package affinity

import (
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

func TestStartConfinesTheChild(t *testing.T) {
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
	if err := Start([]int{last}, cmd.Start); err != nil {
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
		t.Errorf("after Start: allowed %v, want %v", after, cpus)
	}
}

func TestStartRefusesBadCPUs(t *testing.T) {
	started := false
	err := Start([]int{1 << 20}, func() error { started = true; return nil })
	if err == nil || !strings.Contains(err.Error(), "CPU 1048576 is out of range (0 to 1023)") || started {
		t.Errorf("Start with CPU 1<<20: err %v, started %v", err, started)
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
