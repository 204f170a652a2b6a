// The go commands the emulator runs for a function: go build, go list and go env.

package local

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"strings"
	"sync"

	"github.com/httpapi-cdk/httpapi/internal/affinity"
	"github.com/httpapi-cdk/httpapi/internal/gopkg"
)

// buildTags is the -tags value of every go command the emulator runs:
// gopkg.LambdaTag and the tags GOFLAGS sets, as gofunction builds the
// deployed binary (a -tags flag on the command line replaces GOFLAGS's).
var buildTags = sync.OnceValues(func() (string, error) {
	out, err := exec.Command("go", "env", "GOFLAGS").Output()
	if err != nil {
		return "", err
	}
	return gopkg.GOFLAGSTags(strings.TrimSpace(string(out)))
})

// runGo runs the go command with args in dir and returns its standard
// output, and its standard error (or both combined, with combined). It
// starts the command from launch's thread (nil: the calling goroutine's):
// a child gets SIGKILL when the thread that started it ends (childAttr),
// and a launcher's thread lives as long as the server, while the thread of
// an ordinary goroutine can be locked, and ended, by an unrelated one
// later.
func runGo(ctx context.Context, launch *affinity.Launcher, dir string, combined bool, args ...string) (stdout, stderr []byte, err error) {
	return runGoEnv(ctx, launch, dir, nil, combined, args...)
}

// runGoEnv is runGo with env added to the go command's environment.
func runGoEnv(ctx context.Context, launch *affinity.Launcher, dir string, env []string, combined bool, args ...string) (stdout, stderr []byte, err error) {
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), "CGO_ENABLED=0"), env...)
	cmd.SysProcAttr = childAttr()
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if combined {
		cmd.Stderr = &out
	}
	start := cmd.Start
	if launch != nil {
		start = func() error { return launch.Start(cmd.Start) }
	}
	if err = start(); err == nil {
		err = cmd.Wait()
	}
	return out.Bytes(), errOut.Bytes(), err
}
