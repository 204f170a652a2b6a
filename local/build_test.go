package local

import (
	"context"
	"io"
	"strings"
	"testing"
)

// TestBuildRefusesUntrustedValues: a function's package and logical id come
// from a template; a value that the go command would take for a flag, or
// a logical id that would put the binary elsewhere, is refused before any
// go command runs.
func TestBuildRefusesUntrustedValues(t *testing.T) {
	for _, tc := range []struct {
		fn   Function
		want string
	}{
		{Function{LogicalID: "Fn", GoPackage: "-toolexec=/bin/sh"},
			`building Fn: GoPackage "-toolexec=/bin/sh" is not allowed: it starts with '-', which the go command would take for a flag`},
		{Function{LogicalID: "Fn", GoPackage: "./..."},
			`building Fn: GoPackage "./..." is not allowed: it is a pattern that can match several packages`},
		{Function{LogicalID: "../../bin/Fn", GoPackage: "./hellofn"},
			`building function "../../bin/Fn": a logical id must be 1 to 255 letters and digits`},
	} {
		_, err := build(context.Background(), &tc.fn, t.TempDir(), io.Discard, nil)
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("build(%+v) = %v, want an error starting with %q", tc.fn, err, tc.want)
		}
	}
}
