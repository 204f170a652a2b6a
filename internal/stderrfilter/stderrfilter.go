// Package stderrfilter removes one text from what a process writes to
// os.Stderr: jsii-runtime-go's spurious "Runtime process exited
// abnormally: waitid: no child processes" (see package cdkapp). It has no
// dependency on the CDK, so that its tests link a small binary.
package stderrfilter

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"time"
)

// runtimeRace is what jsii-runtime-go prints when its two waits for the
// node process race (see cdkapp.Main).
var runtimeRace = []byte("Runtime process exited abnormally: waitid: no child processes")

// syncMark is written through the filter by sync: once the filter has
// read it, everything written before it has been passed on.
var syncMark = []byte("\x00cdkapp: sync\x00")

// Filter passes what is written to os.Stderr on to the real standard
// error, less the runtime's race message.
type Filter struct {
	w      *os.File
	real   *os.File // standard error before Start
	synced chan struct{}
}

// Start points os.Stderr at a filter. It must run before the jsii runtime
// starts its goroutines, so that they see the new os.Stderr without a data
// race. On failure it leaves os.Stderr alone and returns nil, whose Sync
// does nothing.
func Start() *Filter {
	r, w, err := os.Pipe()
	if err != nil {
		return nil
	}
	real := os.Stderr
	f := &Filter{w: w, real: real, synced: make(chan struct{}, 1)}
	os.Stderr = w
	go f.copy(real, r)
	return f
}

// syncTimeout bounds Sync's wait.
const syncTimeout = 5 * time.Second

// Sync waits, for syncTimeout at most, until everything written to
// os.Stderr so far has been passed on, and says so on the real standard
// error when it could not. os.Stderr stays the filter: the runtime's
// goroutine may still print after jsii.Close returns. What a process
// writes to os.Stderr and then exits without calling Sync (os.Exit) may
// be lost.
func (f *Filter) Sync() {
	if f == nil {
		return
	}
	if _, err := f.w.Write(syncMark); err != nil {
		return
	}
	select {
	case <-f.synced:
	case <-time.After(syncTimeout):
		fmt.Fprintf(f.real, "stderrfilter: standard error may be incomplete: its filter did not catch up within %s\n", syncTimeout)
	}
}

// copy passes r on to out, less runtimeRace and syncMark, signalling
// synced at each syncMark. It holds back only a tail that may begin
// either text.
func (f *Filter) copy(out io.Writer, r io.Reader) {
	buf := make([]byte, 64<<10)
	var pending []byte
	for {
		n, err := r.Read(buf)
		pending = append(pending, buf[:n]...)
		pending = bytes.ReplaceAll(pending, runtimeRace, nil)
		for {
			i := bytes.Index(pending, syncMark)
			if i < 0 {
				break
			}
			out.Write(pending[:i])
			pending = pending[i+len(syncMark):]
			select {
			case f.synced <- struct{}{}:
			default:
			}
		}
		keep := partialSuffix(pending, runtimeRace)
		if k := partialSuffix(pending, syncMark); k > keep {
			keep = k
		}
		if err != nil {
			keep = 0
		}
		out.Write(pending[:len(pending)-keep])
		pending = append(pending[:0], pending[len(pending)-keep:]...)
		if err != nil {
			return
		}
	}
}

// partialSuffix returns the length of the longest suffix of b that is a
// proper prefix of text.
func partialSuffix(b, text []byte) int {
	for k := min(len(b), len(text)-1); k > 0; k-- {
		if bytes.HasSuffix(b, text[:k]) {
			return k
		}
	}
	return 0
}
