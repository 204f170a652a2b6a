// A function's current build: where its invocations go, swapped for a new build without dropping one.

package local

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"
)

// slot is where a function's invocations go: the pool of processes of its
// current build. A rebuild puts in a new build's pool; invocations that
// arrive while it runs wait for it (within their deadline), and those the
// old pool runs finish there before it is closed.
type slot struct {
	fn *Function

	mu         sync.Mutex
	cur        *version      // nil until the first build is done (see buildInBackground)
	buildErr   error         // why there is no current version, when the first build failed
	rebuilding chan struct{} // while a rebuild runs; closed when it ends

	// The watcher's, under Server.reloadMu:
	started time.Time // when the current build started: it holds no edit made after
	sources *sources  // what the current build read, nil until listed
	stored  snapshot  // the sources' state when the current build started
	last    snapshot  // their state at the last look: a rebuild waits until they stop changing
	since   time.Time // when a change was first seen; zero when none waits for a rebuild
}

// version is one build of a function and its pool.
type version struct {
	pool   *pool
	binary string
	calls  atomic.Int64 // invocations running on the pool
}

// invoke runs an invocation on the current build, after the rebuild in
// progress if there is one.
func (sl *slot) invoke(payload []byte, deadline time.Time) (result, bool) {
	sl.mu.Lock()
	for sl.rebuilding != nil {
		wait := sl.rebuilding
		sl.mu.Unlock()
		timer := time.NewTimer(time.Until(deadline))
		select {
		case <-wait:
			timer.Stop()
		case <-timer.C:
			return result{}, false
		}
		sl.mu.Lock()
	}
	v := sl.cur
	if v == nil {
		err := sl.buildErr
		sl.mu.Unlock()
		return result{outcome: outcomeInitError, detail: fmt.Sprintf("function %s did not build: %v", sl.fn.LogicalID, err)}, true
	}
	v.calls.Add(1)
	sl.mu.Unlock()
	defer v.calls.Add(-1)
	return v.pool.invoke(payload, deadline)
}

// fail ends the first build of sl, which failed with err: invocations
// fail with it until a build succeeds.
func (sl *slot) fail(err error) {
	sl.mu.Lock()
	sl.buildErr = err
	sl.mu.Unlock()
	sl.done(nil)
}

// hold makes invocations wait for a rebuild, until done.
func (sl *slot) hold() {
	sl.mu.Lock()
	defer sl.mu.Unlock()
	if sl.rebuilding == nil {
		sl.rebuilding = make(chan struct{})
	}
}

// done ends a rebuild: with a new version, invocations go to it from now
// on and the version it replaces is returned; with nil (the build failed)
// they go on to the current one.
func (sl *slot) done(v *version) (old *version) {
	sl.mu.Lock()
	defer sl.mu.Unlock()
	if v != nil {
		old, sl.cur = sl.cur, v
	}
	if sl.rebuilding != nil {
		close(sl.rebuilding)
		sl.rebuilding = nil
	}
	return old
}

// drainPoll is how often a retired version or config is looked at until
// nothing uses it.
const drainPoll = 20 * time.Millisecond

// retire closes v's pool and removes its binary once no invocation runs
// on it, or at once when the server closes.
func (s *Server) retire(v *version) {
	if v == nil { // a function whose first build failed
		return
	}
	for v.calls.Load() > 0 {
		select {
		case <-s.stopped.Done():
			return // Close closes the pool and removes the build directory
		case <-time.After(drainPoll):
		}
	}
	s.closePool(v.pool)
	os.Remove(v.binary)
	if dir := filepath.Dir(v.binary); dir != s.buildDir {
		os.Remove(dir) // once every binary built there is gone
	}
}

// retireConfig stops the functions of slots, which old has and its
// successor does not, once no request holds old or a config before it: a
// request that holds an older config can invoke a function old kept from
// it. A config no request holds, once replaced, is never held again
// (acquire takes the current one only).
func (s *Server) retireConfig(old *config, slots []*slot) {
	for c := old; c != nil; c = c.prev.Load() {
		for c.refs.Load() > 0 {
			select {
			case <-s.stopped.Done():
				return
			case <-time.After(drainPoll):
			}
		}
	}
	old.prev.Store(nil) // they are all drained: let them go
	for _, sl := range slots {
		sl.mu.Lock()
		v := sl.cur
		sl.mu.Unlock()
		s.retire(v)
	}
}
