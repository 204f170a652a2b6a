package local

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/httpapi-cdk/httpapi/function/app"
	"github.com/httpapi-cdk/httpapi/internal/localtest"
	"github.com/httpapi-cdk/httpapi/lambdahttp"
	"github.com/httpapi-cdk/httpapi/proxyevent"
	"github.com/httpapi-cdk/httpapi/quota"
)

var (
	benchConns     = flag.Int("bench-conns", 8, "connections (and floor goroutines) of BenchmarkHello's closed loops")
	benchRate      = flag.Int("bench-rate", 5000, "offered requests/s of BenchmarkHello/emulator-rate")
	benchRateConns = flag.Int("bench-rate-conns", 8, "connections of BenchmarkHello/emulator-rate")
	benchFlags     = flag.String("bench-local-flags", "", "more flags for cmd/local in BenchmarkHello, space-separated (e.g. -pin=false)")
)

// helloAnswer is what GET /hello must return, through the emulator or not.
const helloAnswer = `{"message":"Hello, world!"}`

// BenchmarkHello measures GET /hello on the reference app three ways, with
// the same number of clients, so that `make bench-local` can print the
// emulator's figures as ratios to the floor:
//
//   - floor: the handler's Invoke called in this process with the exact
//     event the emulator sends (no HTTP, no Runtime API, no process);
//   - emulator: the cmd/local command, as `make local` runs it but on the
//     reference template's golden copy, throttled at the account's limits
//     (accountThrottledTemplate), in closed loop: each connection
//     sends its next request when the last one is answered, which gives
//     the most requests/s it serves;
//   - emulator-rate: the same command in open loop: -bench-rate-conns
//     connections offer -bench-rate requests/s between them. A request
//     sent late because its connection still waited for the last answer
//     counts from when it was due (as wrk2 does), so that a slow answer
//     cannot hide the queueing it causes; one sent on time counts from its
//     send, leaving out how late this client's timer woke.
//
// Each reports req/s, p50-ms and p99-ms. The load client is a lean
// HTTP/1.1 client over keep-alive connections, about as cheap as wrk.
func BenchmarkHello(b *testing.B) {
	if *benchConns < 1 || *benchRateConns < 1 || *benchRate < 1 {
		b.Fatalf("-bench-conns %d, -bench-rate-conns %d, -bench-rate %d: each must be at least 1", *benchConns, *benchRateConns, *benchRate)
	}
	addr := startCommand(b, append([]string{"-template", accountThrottledTemplate(b)}, strings.Fields(*benchFlags)...)...)
	apis, err := LoadTemplate(referenceTemplate, "Reference")
	if err != nil {
		b.Fatal(err)
	}
	event := helloEvent(b, apis[0])

	b.Run("floor", func(b *testing.B) {
		rt := app.Router(&lambdahttp.Options{Logger: discardLogger()})
		run := func(int, time.Time) (time.Duration, error) {
			t0 := time.Now()
			out, err := rt.Invoke(context.Background(), event)
			if err == nil && !bytes.Contains(out, []byte(`"statusCode":200`)) {
				err = fmt.Errorf("unexpected result %s", out)
			}
			return time.Since(t0), err
		}
		runLoad(b, *benchConns, func(int) (worker, func()) { return run, func() {} })
	})
	b.Run("emulator", func(b *testing.B) {
		runLoad(b, *benchConns, func(int) (worker, func()) {
			c := dialLoad(b, addr)
			return func(int, time.Time) (time.Duration, error) {
				t0 := time.Now()
				err := c.get()
				return time.Since(t0), err
			}, c.close
		})
	})
	b.Run("emulator-rate", func(b *testing.B) {
		conns := *benchRateConns
		every := time.Second * time.Duration(conns) / time.Duration(*benchRate)
		runLoad(b, conns, func(k int) (worker, func()) {
			c := dialLoad(b, addr)
			return func(i int, start time.Time) (time.Duration, error) {
				// Request i of connection k is due at start + i*every + k*every/conns.
				due := start.Add(time.Duration(i)*every + time.Duration(k)*every/time.Duration(conns))
				from := due // the connection is late: its wait counts
				if wait := time.Until(due); wait > 0 {
					// The connection is idle until due: sleep, and count
					// from the send, since waking late is this client's
					// doing, not the server's (about 0.5 ms here).
					time.Sleep(wait)
					from = time.Now()
				}
				err := c.get()
				return time.Since(from), err
			}, c.close
		})
	})
}

// accountThrottledTemplate writes a copy of the reference template whose
// stages throttle each route at the account's limits (10000 requests/s, a
// burst of 5000) instead of 1000 and 500, and returns its path. Throttling
// stays on, every request taking a token from its route's bucket and from
// the account's, as at the template's own limits; but the emulator serves
// 5,000 to 9,000 requests/s on the project's machine, and at 1000/s every
// request past the first 500 would be a 429.
func accountThrottledTemplate(b *testing.B) string {
	tpl := localtest.ReadTemplate(b, referenceTemplate)
	for _, r := range tpl["Resources"].(map[string]any) {
		if r := r.(map[string]any); r["Type"] == "AWS::ApiGatewayV2::Stage" {
			r["Properties"].(map[string]any)["DefaultRouteSettings"] = map[string]any{
				"ThrottlingRateLimit": quota.AccountThrottleRate, "ThrottlingBurstLimit": quota.AccountThrottleBurst}
		}
	}
	out, err := json.Marshal(tpl)
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), "HttpApiReference.template.json")
	if err := os.WriteFile(path, out, 0o644); err != nil {
		b.Fatal(err)
	}
	return path
}

// startCommand builds cmd/local, runs it with args on a free port, and
// returns its address once it serves. Its access log and the functions'
// logs are discarded. It is interrupted at the end of the benchmark.
func startCommand(b *testing.B, args ...string) string {
	bin := filepath.Join(b.TempDir(), "local")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/httpapi-cdk/httpapi/cmd/local").CombinedOutput(); err != nil {
		b.Fatalf("building cmd/local: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, append(args, "-port", "0")...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
	})
	found := make(chan string, 1)
	exited := make(chan string, 1)
	go func() {
		var tail []string // the last lines, for a failure to start
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Text()
			if _, url, ok := strings.Cut(line, "local: stage $default at http://"); ok {
				found <- strings.TrimSuffix(url, "/")
				io.Copy(io.Discard, stderr)
				return
			}
			tail = append(tail[max(0, len(tail)-19):], line)
		}
		exited <- strings.Join(tail, "\n")
	}()
	var addr string
	select {
	case addr = <-found:
	case out := <-exited:
		b.Fatalf("cmd/local ended before serving:\n%s", out)
	case <-time.After(time.Minute):
		b.Fatal("cmd/local did not start serving within a minute")
	}
	// Warm up: concurrent requests start every function process.
	var wg sync.WaitGroup
	for range *benchConns {
		c := dialLoad(b, addr)
		wg.Go(func() {
			defer c.close()
			for range 100 {
				if err := c.get(); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	return addr
}

// helloEvent is the 2.0 event the emulator builds for GET /hello from the
// load client, for the floor to invoke the handler with.
func helloEvent(tb testing.TB, api *API) []byte {
	r := httptest.NewRequest("GET", "/hello", nil)
	r.Header.Set("User-Agent", "httpapi-bench")
	ev := proxyevent.Request{HTTP: r, ID: proxyevent.NewRequestID(), Time: time.Now(), APIID: apiID(api.LogicalID), SourceIP: "127.0.0.1"}
	var stage *Stage
	for i := range api.Stages {
		if api.Stages[i].Name == "$default" {
			stage = &api.Stages[i]
		}
	}
	for i := range api.Routes {
		if api.Routes[i].Key.String() == "GET /hello" {
			ev.Route = api.Routes[i].Key
		}
	}
	if stage == nil || ev.Route.Path == "" {
		tb.Fatal("the reference template has no $default stage or no GET /hello route")
	}
	ev.Stage, ev.StageVariables = stage.Name, stage.Variables
	event, err := ev.EventV2()
	if err != nil {
		tb.Fatal(err)
	}
	return event
}

// A worker makes its i-th request of a run that started at start, and
// returns the latency to count.
type worker func(i int, start time.Time) (time.Duration, error)

// runLoad runs b.N requests over conns workers made by open, each worker
// making its requests one after the other, and reports requests/s and the
// p50 and p99 of the latencies the workers return (not ns/op: it would
// only restate requests/s).
func runLoad(b *testing.B, conns int, open func(k int) (w worker, done func())) {
	workers := make([]worker, conns)
	for k := range workers {
		run, done := open(k)
		defer done()
		workers[k] = run
	}
	lat := make([][]time.Duration, conns)
	errs := make([]error, conns)
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for k := range conns {
		n := b.N / conns
		if k < b.N%conns {
			n++
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			lat[k] = make([]time.Duration, 0, n)
			for i := range n {
				d, err := workers[k](i, start)
				if err != nil {
					errs[k] = err
					return
				}
				lat[k] = append(lat[k], d)
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	if err := errors.Join(errs...); err != nil {
		b.Fatal(err)
	}
	all := slices.Concat(lat...)
	slices.Sort(all)
	q := func(p float64) float64 { return float64(all[int(p*float64(len(all)-1))]) / 1e6 }
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(float64(len(all))/elapsed.Seconds(), "req/s")
	b.ReportMetric(q(0.50), "p50-ms")
	b.ReportMetric(q(0.99), "p99-ms")
}

// loadConn is one keep-alive connection of the load client. It writes a
// fixed GET /hello and reads just enough of the answer to check it: the
// status line, Content-Length and the body.
type loadConn struct {
	c    net.Conn
	r    *bufio.Reader
	req  []byte
	body []byte
}

func dialLoad(tb testing.TB, addr string) *loadConn {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		tb.Fatal(err)
	}
	req := "GET /hello HTTP/1.1\r\nHost: " + addr + "\r\nUser-Agent: httpapi-bench\r\n\r\n"
	return &loadConn{c: c, r: bufio.NewReader(c), req: []byte(req)}
}

func (lc *loadConn) close() { lc.c.Close() }

// get sends GET /hello and checks for a 200 with the hello body.
func (lc *loadConn) get() error {
	if _, err := lc.c.Write(lc.req); err != nil {
		return err
	}
	line, err := lc.r.ReadSlice('\n')
	if err != nil {
		return err
	}
	if !bytes.HasPrefix(line, []byte("HTTP/1.1 200 ")) {
		return fmt.Errorf("status line %q", line)
	}
	length := -1
	for {
		line, err = lc.r.ReadSlice('\n')
		if err != nil {
			return err
		}
		if len(line) <= 2 {
			break
		}
		if name, value, ok := bytes.Cut(line, []byte(":")); ok && bytes.EqualFold(name, []byte("Content-Length")) {
			length, err = strconv.Atoi(string(bytes.TrimSpace(value)))
			if err != nil {
				return fmt.Errorf("Content-Length %q", value)
			}
		}
	}
	if length < 0 {
		return errors.New("no Content-Length")
	}
	lc.body = slices.Grow(lc.body[:0], length)[:length]
	if _, err := io.ReadFull(lc.r, lc.body); err != nil {
		return err
	}
	if string(lc.body) != helloAnswer {
		return fmt.Errorf("body %q", lc.body)
	}
	return nil
}
