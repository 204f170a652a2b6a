// Throttling: a token bucket per route of each stage, and one for the account, as API Gateway throttles.

package local

import (
	"sync"
	"time"

	"github.com/httpapi-cdk/httpapi/route"
)

// bucket is a token bucket (docs/api-gateway-behavior.md R-THR-1): full
// at first use, a token per request, refilled at rate per second up to
// burst.
type bucket struct {
	rate  float64 // tokens per second
	burst float64 // the most tokens it holds

	mu      sync.Mutex
	started bool
	tokens  float64
	last    time.Time // when tokens was last brought up to date
}

func newBucket(th Throttle) *bucket {
	return &bucket{rate: th.RateLimit, burst: float64(th.BurstLimit)}
}

// take takes a token at time now and reports whether there was one.
func (b *bucket) take(now time.Time) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch d := now.Sub(b.last); {
	case !b.started:
		b.started, b.tokens, b.last = true, b.burst, now
	case d > 0:
		b.tokens = min(b.burst, b.tokens+d.Seconds()*b.rate)
		b.last = now
	}
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// throttleKey names the bucket of one route on one stage.
type throttleKey struct {
	stage string
	route route.Key
}

// routeBuckets returns a bucket for each route of api on each of stages
// that the template throttles (R-THR-1): the route's own setting, else
// its stage's default. A route without either has none, and only the
// account's bucket limits it.
func routeBuckets(api *API, stages map[string]*Stage) map[throttleKey]*bucket {
	buckets := map[throttleKey]*bucket{}
	for name, st := range stages {
		for _, r := range api.Routes {
			th, ok := st.RouteThrottles[r.Key]
			if !ok && st.Throttle != nil {
				th, ok = *st.Throttle, true
			}
			if ok {
				buckets[throttleKey{name, r.Key}] = newBucket(th)
			}
		}
	}
	return buckets
}

// throttled reports whether q, which matched a route, finds its route's
// bucket or the account's empty (R-THR-1, R-THR-2). It takes a token from
// the route's bucket first, then from the account's.
func (s *Server) throttled(q *request) bool {
	if s.account == nil { // Options.Unthrottled
		return false
	}
	now := s.clock()
	if b := q.cfg.buckets[throttleKey{q.stage.Name, q.route.Key}]; b != nil && !b.take(now) {
		return true
	}
	return !s.account.take(now)
}
