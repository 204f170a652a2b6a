package local

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/httpapi-cdk/httpapi/internal/localtest"
)

// intruderEnv makes the test binary another program of the machine: it
// long-polls the Runtime API URL in this variable and prints what it gets.
const intruderEnv = "LOCAL_TEST_INTRUDER"

func intrude(url string) {
	c := &http.Client{Timeout: 10 * time.Second}
	resp, err := c.Get(url)
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Printf("%d\n%s", resp.StatusCode, body)
}

// Another process of the machine that finds a function's Runtime API port
// and long-polls it while a request waits must be refused, and must not
// get the request (with its Authorization header); the function serves it.
func TestRuntimeAPIRefusesOtherProcesses(t *testing.T) {
	t.Parallel() // waits for a slow function; runs beside the other waiting tests
	a := templateAPI(t, fixtureTemplate, "V2")
	srv, err := New(context.Background(), a, &Options{Concurrency: 1, Log: io.Discard, AccessLog: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ts := httptest.NewServer(srv)
	defer ts.Close()
	f := &fixture{http: ts}
	if r := do(t, f, "GET", "/echo/warm", nil); r.status != 200 {
		t.Fatalf("GET /echo/warm: %d %s", r.status, r.body)
	}
	var p *pool
	var pr *process
	for candidate := range srv.pools {
		p = candidate
		for x := range p.procs {
			pr = x
		}
	}
	if pr == nil {
		t.Fatal("no function process")
	}
	// Keep the only process busy, so that a second request waits for
	// whoever asks for the next invocation.
	slow := make(chan reply, 1)
	go func() { slow <- do(t, f, "GET", "/fault/slow", nil) }()
	if !localtest.WaitFor(5*time.Second, func() bool {
		pr.mu.Lock()
		defer pr.mu.Unlock()
		return pr.current != nil
	}) {
		t.Fatal("the function never took /fault/slow")
	}

	intruder := exec.Command(os.Args[0])
	intruder.Env = append(os.Environ(), intruderEnv+"=http://"+pr.ln.Addr().String()+"/2018-06-01/runtime/invocation/next")
	var out strings.Builder
	intruder.Stdout = &out
	if err := intruder.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- intruder.Wait() }()
	// Until the intruder has been answered or waits in /next.
	waitedOrExited := false
	for deadline := time.Now().Add(5 * time.Second); !waitedOrExited && time.Now().Before(deadline); {
		select {
		case err := <-exited:
			exited <- err
			waitedOrExited = true
		case <-time.After(5 * time.Millisecond):
			p.mu.Lock()
			waitedOrExited = p.waiting > 0
			p.mu.Unlock()
		}
	}
	secret := do(t, f, "GET", "/echo/secret", nil, "Authorization", "Bearer s3cret-token")
	if err := <-exited; err != nil {
		t.Fatalf("intruder: %v", err)
	}
	if r := <-slow; r.status != 200 {
		t.Errorf("GET /fault/slow: %d %s", r.status, r.body)
	}
	if got := out.String(); !strings.HasPrefix(got, "404\n") || strings.Contains(got, "s3cret-token") || strings.Contains(got, "/echo/secret") {
		t.Errorf("a process without the Runtime API token long-polled /next and got %q, want a 404 without the event", got)
	}
	if secret.status != 200 || !strings.Contains(string(secret.body), "s3cret-token") {
		t.Errorf("GET /echo/secret, served by the function: %d %s", secret.status, secret.body)
	}
	// The token is the whole first segment: a prefix of it, or a guess of
	// its length, is refused too.
	for _, path := range []string{"/" + pr.token[:16] + "/2018-06-01/runtime/invocation/next", "/" + strings.Repeat("0", len(pr.token)) + "/2018-06-01/runtime/invocation/next", "/" + pr.token + "x/2018-06-01/runtime/invocation/next"} {
		resp, err := http.Post("http://"+pr.ln.Addr().String()+path, "application/json", strings.NewReader(`{}`))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 404 {
			t.Errorf("POST %s: %d, want 404", path, resp.StatusCode)
		}
	}
}
