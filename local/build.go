// Building a function's Go package for this machine.

package local

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
)

// build compiles a function's Go package for this machine into dir.
func build(ctx context.Context, fn *Function, dir string) (string, error) {
	out := filepath.Join(dir, fn.LogicalID)
	if runtime.GOOS == "windows" {
		out += ".exe"
	}
	cmd := exec.CommandContext(ctx, "go", "build", "-tags", "lambda.norpc", "-o", out, fn.GoPackage)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	cmd.SysProcAttr = childAttr()
	if output, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building %s (%s): %v\n%s", fn.LogicalID, fn.GoPackage, err, output)
	}
	return out, nil
}
