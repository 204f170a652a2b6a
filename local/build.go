// Building a function's Go package for this machine.

package local

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"

	"github.com/httpapi-cdk/httpapi/internal/gopkg"
)

// build compiles a function's Go package for this machine into dir. The
// package and the logical id come from a template, which is input, not a
// script: the package must name one package (never a flag or a pattern)
// and is passed after "--"; the logical id, which names the binary, must
// be alphanumeric, as CloudFormation requires.
func build(ctx context.Context, fn *Function, dir string) (string, error) {
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
	cmd := exec.CommandContext(ctx, "go", "build", "-tags", "lambda.norpc", "-o", out, "--", fn.GoPackage)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if output, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building %s (%s): %v\n%s", fn.LogicalID, fn.GoPackage, err, output)
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
