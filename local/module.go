// Finding the Go module that holds a function's package, from the module
// path and directory synthesis recorded.

package local

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// buildDir returns the directory to build fn in: its module's root when
// the template recorded it and the go.mod there declares the recorded
// module, else "" (the current directory) and why the module's was not
// used.
func buildDir(fn *Function) (dir, why string) {
	switch {
	case fn.ModulePath == "":
		return "", "the template does not record the function's module (no httpapi:GoModule metadata: synthesize again with a current gofunction)"
	case fn.ModuleDir == "":
		return "", "the emulator does not know where module " + fn.ModulePath + " is (the template has no httpapi:GoModuleDir metadata, or is not in a cloud assembly)"
	}
	gomod, err := os.ReadFile(filepath.Join(fn.ModuleDir, "go.mod"))
	if err != nil {
		return "", fmt.Sprintf("synthesis recorded module %s at %s, which has no go.mod (the cloud assembly was moved away from the CDK app's directory, or the module was)", fn.ModulePath, fn.ModuleDir)
	}
	if got := modulePath(gomod); got != fn.ModulePath {
		return "", fmt.Sprintf("synthesis recorded module %s at %s, but the go.mod there declares module %q", fn.ModulePath, fn.ModuleDir, got)
	}
	return fn.ModuleDir, ""
}

// packageNotFound explains that the function's package could not be found from
// the current directory, why its module was not used, and how to fix it.
func packageNotFound(fn *Function, why string) error {
	module := "the module that holds it"
	if fn.ModulePath != "" {
		module = "module " + fn.ModulePath
	}
	msg := fmt.Sprintf("package %s is not in the module of the current directory, and %s; run the emulator from the directory of %s, or keep the cloud assembly in the CDK app's directory (the emulator looks for the app one level above it) and synthesize again", fn.GoPackage, why, module)
	return errors.New(msg)
}

// modulePath returns the module path a go.mod declares, "" if none.
func modulePath(gomod []byte) string {
	sc := bufio.NewScanner(bytes.NewReader(gomod))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if i := strings.Index(line, "//"); i >= 0 {
			line = strings.TrimSpace(line[:i])
		}
		rest, ok := strings.CutPrefix(line, "module")
		if !ok || rest == "" || rest[0] != ' ' && rest[0] != '\t' {
			continue
		}
		rest = strings.TrimSpace(rest)
		if unquoted, err := strconv.Unquote(rest); err == nil {
			return unquoted
		}
		return rest
	}
	return ""
}
