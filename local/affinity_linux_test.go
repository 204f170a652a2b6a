package local

import (
	"context"
	"io"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/httpapi-cdk/httpapi/internal/affinity"
)

// TestFunctionCPUs checks that every thread of a function process runs on
// Options.FunctionCPUs only, and that a CPU this process may not use is
// refused with a message naming the option.
func TestFunctionCPUs(t *testing.T) {
	apis, err := LoadTemplate(referenceTemplate, "Reference")
	if err != nil {
		t.Fatal(err)
	}
	cpus, err := affinity.Allowed()
	if err != nil {
		t.Fatal(err)
	}
	_, err = New(context.Background(), apis[0], &Options{Log: io.Discard, AccessLog: io.Discard, FunctionCPUs: []int{4096}})
	if want := "Options.FunctionCPUs: CPU 4096 is not one this process may run on (allowed: "; err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("FunctionCPUs [4096]: err %v, want one starting %q", err, want)
	}

	last := cpus[len(cpus)-1]
	srv, err := New(context.Background(), apis[0], &Options{Log: io.Discard, AccessLog: io.Discard, FunctionCPUs: []int{last}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ts := httptest.NewServer(srv)
	defer ts.Close()
	if r := do(t, &fixture{http: ts}, "GET", "/hello", nil); r.status != 200 {
		t.Fatalf("GET /hello: %d %s", r.status, r.body)
	}
	var pids []int
	for p := range srv.pools {
		p.mu.Lock()
		for pr := range p.procs {
			pids = append(pids, pr.cmd.Process.Pid)
		}
		p.mu.Unlock()
	}
	if len(pids) == 0 {
		t.Fatal("no function process is running")
	}
	want := "Cpus_allowed_list:\t" + strconv.Itoa(last) + "\n"
	for _, pid := range pids {
		dir := "/proc/" + strconv.Itoa(pid) + "/task"
		tasks, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, task := range tasks {
			status, err := os.ReadFile(dir + "/" + task.Name() + "/status")
			if err != nil {
				continue // the thread exited
			}
			if !strings.Contains(string(status), want) {
				t.Errorf("process %d thread %s is not confined to CPU %d", pid, task.Name(), last)
			}
		}
	}
}
