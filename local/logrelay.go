// The relay of a function's output to the emulator's log, one prefixed line at a time.

package local

import (
	"bytes"
	"io"
	"strconv"
	"sync"
)

// maxLogLine is the longest line of function output the relay keeps. A
// longer line is written when it reaches this length, marked truncated,
// and the rest of it, up to the next newline, is dropped: a function that
// writes without newlines costs bounded memory and linear time.
const maxLogLine = 256 << 10

// truncatedMark ends a line cut at maxLogLine.
var truncatedMark = " [truncated: the line is longer than " + strconv.Itoa(maxLogLine) + " bytes]"

// prefixWriter writes each line of a function's output (standard output
// or standard error) to w with a prefix that names the function, in one
// Write per line. Every byte written to it is looked at once.
type prefixWriter struct {
	mu       sync.Mutex
	w        io.Writer
	prefix   string
	line     []byte // the current line: the prefix, then at most maxLogLine bytes
	dropping bool   // the current line was cut: drop it up to its newline
}

func (pw *prefixWriter) Write(b []byte) (int, error) {
	pw.mu.Lock()
	defer pw.mu.Unlock()
	n := len(b)
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			pw.add(b)
			break
		}
		pw.add(b[:i])
		if pw.dropping {
			pw.dropping = false
		} else {
			pw.emit("")
		}
		b = b[i+1:]
	}
	return n, nil
}

// add appends text without a newline to the current line, writing the
// line, cut, when it reaches maxLogLine.
func (pw *prefixWriter) add(text []byte) {
	if pw.dropping {
		return
	}
	if len(pw.line) == 0 {
		pw.line = append(pw.line, pw.prefix...)
	}
	room := maxLogLine - (len(pw.line) - len(pw.prefix))
	if len(text) < room {
		pw.line = append(pw.line, text...)
		return
	}
	pw.line = append(pw.line, text[:room]...)
	pw.emit(truncatedMark)
	pw.dropping = true
}

// emit writes the current line, then mark and a newline, and starts a new
// line.
func (pw *prefixWriter) emit(mark string) {
	if len(pw.line) == 0 {
		pw.line = append(pw.line, pw.prefix...)
	}
	pw.line = append(pw.line, mark...)
	pw.line = append(pw.line, '\n')
	pw.w.Write(pw.line)
	pw.line = pw.line[:0]
}

// flush writes a last line that has no newline, once the function's
// process has exited.
func (pw *prefixWriter) flush() {
	pw.mu.Lock()
	defer pw.mu.Unlock()
	if len(pw.line) > 0 {
		pw.emit("")
	}
	pw.dropping = false
}
