package local

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"flag"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/httpapi-cdk/httpapi/function/app"
)

// The reference app's template, as `cdk synth` writes it (golden).
const referenceTemplate = "../test/testdata/HttpApiReference.template.json"

var loadDuration = flag.Duration("load-duration", 2*time.Second, "how long the load test runs (the full test: 20s)")

func TestReferenceApp(t *testing.T) {
	f := serve(t, referenceTemplate, "")
	for _, tc := range []struct {
		method, path string
		body         string
		status       int
		want         string
		header       map[string]string
	}{
		{"GET", "/hello", "", 200, `{"message":"Hello, world!"}`, map[string]string{"Content-Type": "application/json"}},
		{"GET", "/dev/hello/ann", "", 200, `{"message":"Hello, ann!"}`, nil},
		{"POST", "/echo", `{"message":"ab","repeat":2}`, 200, `{"message":"abab","length":4}`, nil},
		{"POST", "/echo", `{"message":`, 400, "", nil},
		// The API sends another method of a known path to $default, and the router too (R-KIT-3).
		{"DELETE", "/hello", "", 404, `{"message":"no route for DELETE /hello","requestId":"ID"}`, map[string]string{"Allow": ""}},
		{"GET", "/missing", "", 404, "", nil},
		{"GET", "/fail", "", 500, "", nil},
	} {
		r := do(t, f, tc.method, tc.path, []byte(tc.body), "Content-Type", "application/json")
		want := strings.Replace(tc.want, `"ID"`, strconv.Quote(r.header.Get("Apigw-Requestid")), 1)
		if r.status != tc.status || (tc.want != "" && string(r.body) != want) {
			t.Errorf("%s %s: %d %s", tc.method, tc.path, r.status, r.body)
		}
		for k, v := range tc.header {
			if r.header.Get(k) != v {
				t.Errorf("%s %s: %s = %q, want %q", tc.method, tc.path, k, r.header.Get(k), v)
			}
		}
		if r.status >= 400 {
			var body struct{ RequestID string }
			json.Unmarshal(r.body, &body)
			if body.RequestID != r.header.Get("Apigw-Requestid") {
				t.Errorf("%s %s: error body requestId %q, apigw-requestid %q", tc.method, tc.path, body.RequestID, r.header.Get("Apigw-Requestid"))
			}
		}
	}
	r := do(t, f, "GET", "/report", nil, "Accept-Encoding", "gzip")
	if r.header.Get("Content-Encoding") != "gzip" || r.header.Get("Vary") != "Accept-Encoding" {
		t.Fatalf("report not gzipped: %v", r.header)
	}
	zr, err := gzip.NewReader(bytes.NewReader(r.body))
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := io.ReadAll(zr)
	var rows []app.ReportRow
	if err := json.Unmarshal(plain, &rows); err != nil || len(rows) != 90 {
		t.Errorf("report: %d rows, %v", len(rows), err)
	}
	r = do(t, f, "GET", "/pixel.png", nil)
	if r.header.Get("Content-Type") != "image/png" || !bytes.HasPrefix(r.body, []byte("\x89PNG")) {
		t.Errorf("pixel: %v %q", r.header, r.body)
	}
	r = do(t, f, "GET", "/cookies", nil, "Cookie", "visits=2")
	if r.header.Get("Set-Cookie") != "visits=3; Path=/; HttpOnly; Secure; SameSite=Lax" {
		t.Errorf("cookies: %v", r.header)
	}
}

// TestLoad runs 50 clients against GET /hello for -load-duration: every
// request must get the exact answer, none may be lost, and the emulator's
// heap must stay flat.
func TestLoad(t *testing.T) {
	// A server of its own, whose logs are counted, not kept: kept logs
	// would grow the heap by every line.
	apis, err := LoadTemplate(referenceTemplate, "Reference")
	if err != nil {
		t.Fatal(err)
	}
	var accessLines lineCounter
	// Unthrottled: 50 clients go far past the stages' 1000 requests/s,
	// and this test is about the emulator, not its throttles.
	srv, err := New(context.Background(), apis[0], &Options{Log: &lineCounter{}, AccessLog: &accessLines, Unthrottled: true})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ts := httptest.NewServer(srv)
	defer ts.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}, Timeout: 10 * time.Second}
	defer client.CloseIdleConnections()
	get := func() (int, string, error) {
		resp, err := client.Get(ts.URL + "/hello")
		if err != nil {
			return 0, "", err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b), err
	}
	for range 20 { // warm every process
		get()
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)

	const clients = 50
	const maxRequests = 2_000_000
	var sent, answered, bad atomic.Int64
	deadline := time.Now().Add(*loadDuration)
	var wg sync.WaitGroup
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) && sent.Add(1) <= maxRequests {
				status, body, err := get()
				if err == nil {
					answered.Add(1)
				}
				if err != nil || status != 200 || body != `{"message":"Hello, world!"}` {
					if bad.Add(1) < 5 {
						t.Errorf("unexpected answer: %d %q %v", status, body, err)
					}
				}
			}
		}()
	}
	wg.Wait()
	srv.Close() // writes what the access log holds
	runtime.GC()
	runtime.ReadMemStats(&after)
	total := min(sent.Load(), maxRequests)
	if answered.Load() != total || bad.Load() != 0 {
		t.Errorf("%d requests, %d answered, %d unexpected", total, answered.Load(), bad.Load())
	}
	growth := int64(after.HeapInuse) - int64(before.HeapInuse)
	if growth > 16<<20 {
		t.Errorf("heap grew by %d MB under load", growth>>20)
	}
	if lines := accessLines.n.Load(); lines != answered.Load()+20 { // +20 warm-up requests
		t.Errorf("%d access log lines for %d requests", lines, answered.Load()+20)
	}
	t.Logf("%d requests in %s by %d clients (%.0f/s), heap %+d KB", total, *loadDuration, clients, float64(total)/loadDuration.Seconds(), growth>>10)
}

// lineCounter counts the lines written to it and keeps nothing.
type lineCounter struct{ n atomic.Int64 }

func (c *lineCounter) Write(p []byte) (int, error) {
	c.n.Add(int64(bytes.Count(p, []byte("\n"))))
	return len(p), nil
}

func discardLogger() *slog.Logger { return slog.New(slog.NewJSONHandler(io.Discard, nil)) }
