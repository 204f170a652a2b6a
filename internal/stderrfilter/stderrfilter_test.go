package stderrfilter

import (
	"bytes"
	"io"
	"strings"
	"testing"
)

// chunks is a reader that returns its chunks one Read at a time, so that
// the filter sees texts split across reads.
type chunks []string

func (c *chunks) Read(p []byte) (int, error) {
	if len(*c) == 0 {
		return 0, io.EOF
	}
	n := copy(p, (*c)[0])
	(*c)[0] = (*c)[0][n:]
	if (*c)[0] == "" {
		*c = (*c)[1:]
	}
	return n, nil
}

func TestFilterRemovesOnlyTheRuntimeRace(t *testing.T) {
	race := string(runtimeRace)
	for _, tc := range []struct {
		name string
		in   []string
		want string
	}{
		{"alone", []string{race}, ""},
		{"glued onto what follows", []string{race + "panic: boom\n"}, "panic: boom\n"},
		{"between lines", []string{"warning: a\n", race, "warning: b\n"}, "warning: a\nwarning: b\n"},
		{"split across reads", []string{"x" + race[:10], race[10:30], race[30:] + "y"}, "xy"},
		{"a prefix that is no race", []string{"Runtime process exited abnormally: signal: killed\n"}, "Runtime process exited abnormally: signal: killed\n"},
		{"a prefix at the end", []string{"ends with Runtime process"}, "ends with Runtime process"},
		{"twice", []string{race, race, "z"}, "z"},
		{"sync mark", []string{"a", string(syncMark), "b"}, "ab"},
		{"sync mark split", []string{"a" + string(syncMark[:3]), string(syncMark[3:]) + "b"}, "ab"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := &Filter{synced: make(chan struct{}, 1)}
			var out bytes.Buffer
			in := chunks(append([]string(nil), tc.in...))
			f.copy(&out, &in)
			if out.String() != tc.want {
				t.Errorf("got %q, want %q", out.String(), tc.want)
			}
			if strings.Contains(strings.Join(tc.in, ""), string(syncMark)) && len(f.synced) != 1 {
				t.Error("the sync mark was not signalled")
			}
		})
	}
}
