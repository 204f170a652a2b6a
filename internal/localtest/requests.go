// Requests: a GET helper and a loop of requests that counts what failed.

package localtest

import (
	"fmt"
	"io"
	"maps"
	"net/http"
	"sync"
	"testing"
	"time"
)

// Get sends GET url and returns the answer's status and body; an error
// sending it fails the test.
func Get(t testing.TB, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// RequestLoop sends GET requests to a URL from two clients, each one
// request after another, until ended, and counts the answers by body and
// the failures: what a server swapping builds or APIs must not drop.
type RequestLoop struct {
	mu       sync.Mutex
	seen     map[string]int
	answers  []Answer
	failures []string
	stop     chan struct{}
	done     sync.WaitGroup
}

// Answer is a successful request's answer and when the request was sent.
type Answer struct {
	Sent time.Time
	Body string
}

// StartLoop starts a RequestLoop on url.
func StartLoop(url string) *RequestLoop {
	l := &RequestLoop{seen: map[string]int{}, stop: make(chan struct{})}
	client := &http.Client{Timeout: 30 * time.Second}
	for range 2 {
		l.done.Add(1)
		go func() {
			defer l.done.Done()
			for {
				select {
				case <-l.stop:
					return
				default:
				}
				sent := time.Now()
				resp, err := client.Get(url)
				var body []byte
				if err == nil {
					body, err = io.ReadAll(resp.Body)
					resp.Body.Close()
				}
				l.mu.Lock()
				switch {
				case err != nil:
					l.failures = append(l.failures, err.Error())
				case resp.StatusCode != 200:
					l.failures = append(l.failures, fmt.Sprintf("%d %s", resp.StatusCode, body))
				default:
					l.seen[string(body)]++
					l.answers = append(l.answers, Answer{sent, string(body)})
				}
				l.mu.Unlock()
			}
		}()
	}
	return l
}

// Count returns how many answers had body (status 200).
func (l *RequestLoop) Count(body string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.seen[body]
}

// Seen returns the number of answers (status 200) by body.
func (l *RequestLoop) Seen() map[string]int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return maps.Clone(l.seen)
}

// Answers returns the answers (status 200) in the order they came.
func (l *RequestLoop) Answers() []Answer {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]Answer(nil), l.answers...)
}

// End stops the loop, waits for the requests in flight, and fails the
// test if a request failed: an error, or a status other than 200.
func (l *RequestLoop) End(t testing.TB) {
	t.Helper()
	close(l.stop)
	l.done.Wait()
	if len(l.failures) > 0 {
		t.Errorf("%d request(s) failed, the first: %s", len(l.failures), l.failures[0])
	}
	t.Logf("answers: %v", l.seen)
}
