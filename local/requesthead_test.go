package local

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/httpapi-cdk/httpapi/quota"
)

// tooLargeBody is API Gateway's 413 (R-ERR-4, R-ERR-7).
const tooLargeBody = `{"message":"Request Entity Too Large"}`

// The request line and the header values count toward the 10240-byte
// quota, the header names do not; one byte over is refused before any
// function runs.
func TestRequestHeadLimit(t *testing.T) {
	a := templateAPI(t, fixtureTemplate, "V2")
	srv, invoked := throttleServer(t, a, newFakeClock(), false)
	// "GET /greedy/x HTTP/1.1" and Host "example.com" (httptest's).
	base := len("GET /greedy/x HTTP/1.1") + len("example.com")
	pad := quota.RequestLineAndHeadersBytes - base
	r := serveInProcess(srv, "GET", "/greedy/x", "X-Long-Header-Name-Not-Counted", strings.Repeat("a", pad))
	if r.status != 200 {
		t.Errorf("exactly %d bytes: %d %s, want 200", quota.RequestLineAndHeadersBytes, r.status, r.body)
	}
	r = serveInProcess(srv, "GET", "/greedy/x", "X-Pad", strings.Repeat("a", pad-10), "X-Pad", strings.Repeat("b", 11))
	if r.status != 413 || string(r.body) != tooLargeBody || r.header.Get("Content-Type") != "application/json" {
		t.Errorf("one byte over, in two values of one header: %d %v %s", r.status, r.header, r.body)
	}
	r = serveInProcess(srv, "GET", "/greedy/"+strings.Repeat("u", pad+2), "X-Pad", "") // pad+1 for "x" and one more
	if r.status != 413 || string(r.body) != tooLargeBody {
		t.Errorf("a URL that takes the request line over: %d %s", r.status, r.body)
	}
	if n := invoked.Load(); n != 1 {
		t.Errorf("%d invocations, want 1: a request over the quota reached the function", n)
	}
}

// Over a real connection, a 12,000-byte header and an 11,000-byte URL get
// the 413 (before this rule, both reached the function).
func TestRequestHeadLimitOverHTTP(t *testing.T) {
	f := serve(t, fixtureTemplate, "V2")
	r := do(t, f, "GET", "/greedy/x", nil, "Cookie", strings.Repeat("c", 12000))
	if r.status != 413 || string(r.body) != tooLargeBody || r.header.Get("Apigw-Requestid") == "" {
		t.Errorf("12,000-byte header: %d %.200s", r.status, r.body)
	}
	r = do(t, f, "GET", "/greedy/"+strings.Repeat("u", 11000), nil)
	if r.status != 413 || string(r.body) != tooLargeBody {
		t.Errorf("11,000-byte URL: %d %.200s", r.status, r.body)
	}
}

// A head far over the quota still gets API Gateway's answer from the
// gateway's own HTTP server (Serve), not net/http's 431.
func TestOversizedHeadGetsGatewaysAnswer(t *testing.T) {
	a := templateAPI(t, fixtureTemplate, "V2")
	srv, invoked := throttleServer(t, a, newFakeClock(), false)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	defer func() {
		cancel()
		<-done
	}()

	c, err := net.DialTimeout("tcp", ln.Addr().String(), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	fmt.Fprintf(c, "GET /greedy/x HTTP/1.1\r\nHost: local\r\n")
	for range 4 { // 40 KB of headers, each under any single-header limit
		fmt.Fprintf(c, "X-Pad: %s\r\n", strings.Repeat("p", 10000))
	}
	fmt.Fprintf(c, "\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 413 || string(b) != tooLargeBody {
		t.Errorf("40 KB of headers: %d %s", resp.StatusCode, b)
	}
	if n := invoked.Load(); n != 0 {
		t.Errorf("%d invocations, want none", n)
	}
}
