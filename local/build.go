// Building a function's Go package for this machine.

package local

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"

	"github.com/httpapi-cdk/httpapi/internal/affinity"
	"github.com/httpapi-cdk/httpapi/internal/gopkg"
)

// build compiles a function's Go package for this machine into dir. It
// builds in the function's module (see [Function].ModuleDir), so the
// emulator runs from any directory; without one, in the current directory,
// and when the recorded module was not found there, it says so on log.
// launch starts the go command (see runGo).
func build(ctx context.Context, fn *Function, dir string, log io.Writer, launch *affinity.Launcher) (string, error) {
	if err := gopkg.Check(fn.GoPackage); err != nil {
		return "", fmt.Errorf("building %s: GoPackage %q is not allowed: %v", fn.LogicalID, fn.GoPackage, err)
	}
	if !alphanumeric(fn.LogicalID) {
		return "", fmt.Errorf("building function %q: a logical id must be 1 to 255 letters and digits", fn.LogicalID)
	}
	out := filepath.Join(dir, fn.LogicalID)
	if runtime.GOOS == "windows" {
		out += ".exe"
	}
	moduleDir, why := buildDir(fn)
	tags, err := buildTags()
	if err != nil {
		return "", fmt.Errorf("building %s: reading GOFLAGS: %v", fn.LogicalID, err)
	}
	if output, _, err := runGo(ctx, launch, moduleDir, true, "build", "-tags", tags, "-o", out, "--", fn.GoPackage); err != nil {
		if bytes.Contains(output, []byte("no required module provides package")) || bytes.Contains(output, []byte("go.mod file not found")) {
			// The go command's hint, go get, would add the function's
			// module to whatever module this is: never what is wanted.
			return "", fmt.Errorf("building %s: %s", fn.LogicalID, packageNotFound(fn, why))
		}
		return "", fmt.Errorf("building %s (%s): %v\n%s", fn.LogicalID, fn.GoPackage, err, output)
	}
	if fn.ModuleDir != "" && moduleDir == "" {
		wd, _ := os.Getwd()
		fmt.Fprintf(log, "local: %s: built %s from the current directory %s, which may hold other code than synthesis saw: %s\n", fn.LogicalID, fn.GoPackage, wd, why)
	}
	return out, nil
}

// alphanumeric reports whether id is a valid CloudFormation logical id.
func alphanumeric(id string) bool {
	if id == "" || len(id) > 255 {
		return false
	}
	for _, r := range id {
		if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9') {
			return false
		}
	}
	return true
}
