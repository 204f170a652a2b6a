// Building a function's Go package for this machine.

package local

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
)

// build compiles a function's Go package for this machine into dir. It
// builds in the function's module (see [Function].ModuleDir), so the
// emulator runs from any directory; without one, in the current directory,
// and when the recorded module was not found there, it says so on log.
func build(ctx context.Context, fn *Function, dir string, log io.Writer) (string, error) {
	out := filepath.Join(dir, fn.LogicalID)
	if runtime.GOOS == "windows" {
		out += ".exe"
	}
	moduleDir, why := buildDir(fn)
	cmd := exec.CommandContext(ctx, "go", "build", "-tags", "lambda.norpc", "-o", out, fn.GoPackage)
	cmd.Dir = moduleDir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if output, err := cmd.CombinedOutput(); err != nil {
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
