// Buffer: a buffer safe for concurrent writes, for logs the tests read.

package localtest

import (
	"bytes"
	"sync"
)

// Buffer collects what is written to it, from any number of goroutines:
// an emulator's log or a process's output while it runs.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p to the buffer.
func (s *Buffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String returns what has been written so far.
func (s *Buffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
