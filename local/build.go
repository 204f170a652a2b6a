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

	"github.com/httpapi-cdk/httpapi/internal/affinity"
	"github.com/httpapi-cdk/httpapi/internal/gopkg"
)

// build compiles a function's Go package for this machine into dir. It
// builds in the function's module (see [Function].ModuleDir), so the
// emulator runs from any directory; without one, in the current directory,
// and when the recorded module was not found there, it says so on log.
//
// launch starts the go command (nil: from the calling goroutine's thread).
// A build gets SIGKILL when the thread that started it ends (Linux's
// parent-death signal): started from a launcher's thread, which lives as
// long as the server, it ends with the emulator, and not when an
// unrelated goroutine that later locked the starting thread ends.
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
	cmd := exec.CommandContext(ctx, "go", "build", "-tags", "lambda.norpc", "-o", out, "--", fn.GoPackage)
	cmd.Dir = moduleDir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	cmd.SysProcAttr = childAttr()
	var combined bytes.Buffer
	cmd.Stdout, cmd.Stderr = &combined, &combined
	start := cmd.Start
	if launch != nil {
		start = func() error { return launch.Start(cmd.Start) }
	}
	err := start()
	if err == nil {
		err = cmd.Wait()
	}
	if output := combined.Bytes(); err != nil {
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
