package local

import (
	"bytes"
	"context"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/httpapi-cdk/httpapi/internal/localtest"
)

// lineSummary keeps the length and the ends of every line written to it,
// not the lines, so that it allocates next to nothing itself.
type lineSummary struct {
	lengths []int
	heads   []string
}

func (s *lineSummary) Write(p []byte) (int, error) {
	for _, line := range bytes.SplitAfter(p, []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		s.lengths = append(s.lengths, len(line))
		head := line[:min(len(line), 16)]
		tail := line[max(0, len(line)-80):]
		s.heads = append(s.heads, string(head)+"…"+string(tail))
	}
	return len(p), nil
}

// A function that writes tens of megabytes without a newline costs the
// relay bounded memory, whatever the size: the line is written when it
// reaches maxLogLine, marked truncated, and the rest is dropped up to the
// newline. (The old relay kept the whole line, rescanning it at every
// write: 50 MB cost 2 s and 180 MB.)
func TestLogRelayBoundsALine(t *testing.T) {
	chunk := bytes.Repeat([]byte("x"), 32<<10) // what os/exec hands over per read
	for _, size := range []int{10 << 20, 50 << 20} {
		var out lineSummary
		pw := &prefixWriter{w: &out, prefix: "[fn] "}
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		for written := 0; written < size; written += len(chunk) {
			pw.Write(chunk)
		}
		pw.Write([]byte("\nnext line\nno newline at exit"))
		pw.flush()
		runtime.ReadMemStats(&after)
		// The line buffer grows by doubling to maxLogLine: about twice that.
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 8*maxLogLine {
			t.Errorf("%d MB without a newline: the relay allocated %d KB, want at most %d KB", size>>20, alloc>>10, 8*maxLogLine>>10)
		}
		want := []int{len("[fn] ") + maxLogLine + len(truncatedMark) + 1, len("[fn] next line\n"), len("[fn] no newline at exit\n")}
		if len(out.lengths) != 3 || out.lengths[0] != want[0] || out.lengths[1] != want[1] || out.lengths[2] != want[2] {
			t.Fatalf("%d MB without a newline: lines of %v bytes, want %v: %q", size>>20, out.lengths, want, out.heads)
		}
		if !strings.HasPrefix(out.heads[0], "[fn] xxxxxxxxxxx") || !strings.HasSuffix(out.heads[0], "xxx"+truncatedMark+"\n") {
			t.Errorf("the cut line: %q", out.heads[0])
		}
	}
}

// stuckWriter is an output nobody reads: Write blocks until release is
// closed, then records.
type stuckWriter struct {
	release chan struct{}
	localtest.Buffer
}

func (w *stuckWriter) Write(p []byte) (int, error) {
	<-w.release
	return w.Buffer.Write(p)
}

// An emulator whose log and access log nobody reads (a full pipe, a
// suspended terminal) still answers, its functions do not block on their
// output, and Close returns. The old emulator let a function that logged
// more than a pipe holds hang until its timeout (500), and Close never
// returned.
func TestUnreadLogStopsNothing(t *testing.T) {
	t.Parallel() // waits for Close to give up on a stuck log; runs beside the other waiting tests
	a := templateAPI(t, fixtureTemplate, "V2")
	stuck := &stuckWriter{release: make(chan struct{})}
	released := false
	release := func() {
		if !released {
			released = true
			close(stuck.release)
		}
	}
	defer release()
	srv, err := New(context.Background(), a, &Options{Concurrency: 1, Log: stuck, AccessLog: stuck})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	f := &fixture{http: ts}
	for i := range 3 {
		if r := do(t, f, "GET", "/fault/chatty", nil); r.status != 200 {
			t.Fatalf("request %d to a function that writes 1 MiB to an unread log: %d %s", i, r.status, r.body)
		}
	}
	closed := make(chan struct{})
	go func() {
		srv.Close()
		close(closed)
	}()
	select {
	case <-closed:
	case <-time.After(10 * time.Second):
		t.Fatal("Close did not return while the log is not read")
	}
	// Once the log moves again, it says what was dropped.
	release()
	if !localtest.WaitFor(5*time.Second, func() bool { return strings.Contains(stuck.String(), "line(s) of output dropped") }) {
		t.Fatalf("no notice of the dropped lines in the log:\n%.2000s", stuck.String())
	}
	if !strings.Contains(stuck.String(), "chatter chatter") {
		t.Errorf("the log kept none of the function's output:\n%.500s", stuck.String())
	}
}
