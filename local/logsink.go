// The emulator's output streams, written from a goroutine of their own so that a reader who stops never stops the emulator.

package local

import (
	"fmt"
	"io"
	"sync"
	"time"
)

const (
	// maxPendingLog is how many bytes of output may wait for a stream that
	// is not being read; past it, lines are dropped and counted.
	maxPendingLog = 4 * maxLogLine
	// logCloseWait is how long closing waits for a stream to take what
	// is pending before giving up on it.
	logCloseWait = time.Second
)

// logSink is the emulator's side of one output stream ([Options].Log or
// [Options].AccessLog). Writers (function output relays, the gateway)
// only append whole lines to a buffer; one goroutine copies the buffer to
// the stream. So a stream nobody reads (a full pipe, a suspended
// terminal) never blocks a function or a request: lines past
// maxPendingLog are dropped, and a notice says how many once the stream
// moves again.
type logSink struct {
	w       io.Writer
	mu      sync.Mutex
	cond    sync.Cond
	pending []byte
	dropped int  // lines dropped since the last notice
	closed  bool // no more writes: drain and stop
	done    chan struct{}
}

func newLogSink(w io.Writer) *logSink {
	s := &logSink{w: w, done: make(chan struct{})}
	s.cond.L = &s.mu
	go s.run()
	return s
}

// Write queues p, which must be whole lines. It never waits for the
// stream.
func (s *logSink) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed || len(s.pending)+len(p) > maxPendingLog {
		s.dropped++
		return len(p), nil
	}
	s.pending = append(s.pending, p...)
	s.cond.Signal()
	return len(p), nil
}

func (s *logSink) run() {
	defer close(s.done)
	var batch []byte
	for {
		s.mu.Lock()
		for len(s.pending) == 0 && s.dropped == 0 && !s.closed {
			s.cond.Wait()
		}
		if len(s.pending) == 0 && s.dropped == 0 {
			s.mu.Unlock()
			return // closed, and everything written
		}
		batch, s.pending = s.pending, batch[:0]
		dropped := s.dropped
		s.dropped = 0
		s.mu.Unlock()
		if dropped > 0 {
			batch = fmt.Appendf(batch, "local: %d line(s) of output dropped: the stream was not read fast enough\n", dropped)
		}
		s.w.Write(batch)
	}
}

// Close writes what is pending and stops, waiting for the stream until
// deadline at most: a stream nobody reads does not block it.
func (s *logSink) Close(deadline time.Time) {
	s.mu.Lock()
	s.closed = true
	s.cond.Signal()
	s.mu.Unlock()
	t := time.NewTimer(time.Until(deadline))
	defer t.Stop()
	select {
	case <-s.done:
	case <-t.C:
	}
}
