// The go commands synthesis runs, go env and go list -deps, memoized, and the Package prop's errors worded from their output.

package gofunction

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/httpapi-cdk/httpapi/internal/gopkg"
	"github.com/httpapi-cdk/httpapi/internal/gosource"
)

// toolchain is the part of `go env` a build depends on, in one environment.
type toolchain struct {
	gosource.Env
	GOVERSION    string
	GOEXPERIMENT string
	GOARM64      string
	GOAMD64      string
	GOFIPS140    string
}

// The results of go env and go list, per process. A synthesis builds the
// same package for several stacks, and go list costs about 100 ms, most of
// a function's synthesis time. Entries are keyed by everything the go
// command reads from the process (environment, working directory) and
// checked against a fingerprint of the files it read before reuse.
var (
	memoMu   sync.Mutex
	envMemo  = map[string]*toolchain{}
	listMemo = map[string]*listed{}
)

// listed is a go list result: the packages, the sources they decide
// (see gosource.List) and the fingerprint of those sources.
type listed struct {
	pkgs        []gosource.Package
	src         *gosource.Sources
	fingerprint string
}

// contextKey identifies what the go command sees of this process before it
// reads a package: the environment it reads (gosource.CommandEnv), the
// working directory, which go.mod and go.work files exist from there up
// (they choose the main modules and the workspace) and the go env
// configuration file.
func contextKey(env []string) (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for _, kv := range gosource.CommandEnv(env) {
		b.WriteString(kv)
		b.WriteByte(0)
	}
	b.WriteString(wd)
	b.WriteByte(0)
	for d := wd; ; d = filepath.Dir(d) {
		for _, name := range []string{"go.mod", "go.work"} {
			if _, err := os.Stat(filepath.Join(d, name)); err == nil {
				fmt.Fprintf(&b, "%s\x00", filepath.Join(d, name))
			}
		}
		if filepath.Dir(d) == d {
			break
		}
	}
	if cfg, err := os.UserConfigDir(); err == nil {
		file := filepath.Join(cfg, "go", "env")
		if v, ok := lookupEnv(env, "GOENV"); ok {
			file = v
		}
		data, _ := os.ReadFile(file)
		b.Write(data)
	}
	return b.String(), nil
}

// lookupEnv returns the last value of key in env, as exec.Cmd uses it.
func lookupEnv(env []string, key string) (string, bool) {
	for i := len(env) - 1; i >= 0; i-- {
		if k, v, ok := strings.Cut(env[i], "="); ok && k == key {
			return v, true
		}
	}
	return "", false
}

// goEnv returns the toolchain settings in env, running go env at most once
// per context.
func goEnv(env []string, key string) (*toolchain, error) {
	memoMu.Lock()
	tc, ok := envMemo[key]
	memoMu.Unlock()
	if ok {
		return tc, nil
	}
	vars := append([]string{"GOVERSION", "GOEXPERIMENT", "GOARM64", "GOAMD64", "GOFIPS140"}, gosource.EnvVars...)
	cmd := exec.Command("go", append([]string{"env", "-json"}, vars...)...)
	cmd.Env = env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("cannot run the go command: %v\n%s", err, stderr.Bytes())
	}
	tc = new(toolchain)
	if err := json.Unmarshal(out, tc); err != nil {
		return nil, fmt.Errorf("reading go env output: %w", err)
	}
	memoMu.Lock()
	envMemo[key] = tc
	memoMu.Unlock()
	return tc, nil
}

// listDeps runs go list -deps for pkg, or reuses the result of an earlier
// run in the same context, in this process or a former one (see
// listcache.go), whose sources' fingerprint has not changed since. The result's fingerprint is computed or checked either way.
func listDeps(pkg, tags string, env []string, key string, tc *toolchain) (*listed, error) {
	memoKey := key + "\x00" + pkg + "\x00" + tags
	memoMu.Lock()
	m, ok := listMemo[memoKey]
	memoMu.Unlock()
	if ok {
		if fp, err := fingerprint(m.src); err == nil && fp == m.fingerprint {
			return m, nil
		}
	}
	if m, ok := loadListed(tc.GOVERSION, memoKey); ok {
		memoMu.Lock()
		listMemo[memoKey] = m
		memoMu.Unlock()
		return m, nil
	}
	if beforeGoList != nil {
		beforeGoList()
	}
	started := time.Now()
	cmd := exec.Command("go", gosource.ListArgs(pkg, tags)...)
	cmd.Env = env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("Package %q: go list failed: %v\n%s", pkg, err, stderr.Bytes())
	}
	pkgs, err := gosource.Decode(stdout)
	if err != nil {
		return nil, fmt.Errorf("Package %q: %w", pkg, err)
	}
	if err := checkListed(pkg, pkgs); err != nil {
		return nil, err
	}
	// go build runs in the working directory: a -pgo file is relative to it.
	wd, err := os.Getwd()
	if err != nil {
		return nil, fmt.Errorf("Package %q: %w", pkg, err)
	}
	src, err := gosource.List(pkgs, tc.Env, wd)
	if err != nil {
		return nil, fmt.Errorf("Package %q: %w", pkg, err)
	}
	fp, err := fingerprint(src)
	if err != nil {
		return nil, fmt.Errorf("Package %q: %w", pkg, err)
	}
	m = &listed{pkgs: pkgs, src: src, fingerprint: fp}
	if settledBefore(src, started.Add(-settleTime)) { // see listcache.go
		memoMu.Lock()
		listMemo[memoKey] = m
		memoMu.Unlock()
		storeListed(tc.GOVERSION, memoKey, m)
	}
	return m, nil
}

// beforeGoList, if set, is called before go list runs: tests count them.
var beforeGoList func()

// checkListed returns an error, worded for the Package prop, if go list
// found no package, several, or a package with an error.
func checkListed(pkg string, pkgs []gosource.Package) error {
	var roots []gosource.Package
	for _, p := range pkgs {
		if !p.DepOnly {
			roots = append(roots, p)
		}
	}
	if len(roots) != 1 {
		return fmt.Errorf("Package %q names %d packages: name exactly one main package", pkg, len(roots))
	}
	root := roots[0]
	if root.Error != nil {
		return packageError(pkg, root.Error.Err)
	}
	for _, p := range pkgs {
		if p.Error != nil {
			return fmt.Errorf("Package %q: dependency %s: %s", pkg, p.ImportPath, withoutGoGet(p.Error.Err))
		}
	}
	if root.ImportPath == "command-line-arguments" {
		return fmt.Errorf("Package %q names Go files: name the directory of a main package, like \"./function\"", pkg)
	}
	return nil
}

// packageError words go list's error for the package itself. It never
// advises go get: a function's code belongs to the app's module or to a
// module the app already requires, and fetching the latest version of
// whatever a typo names is not a fix.
func packageError(pkg, goErr string) error {
	first, _, _ := strings.Cut(pkg, "/")
	switch {
	case strings.Contains(goErr, "is not in std") && !gopkg.IsRelative(pkg) && !strings.Contains(first, "."):
		if st, err := os.Stat(pkg); err == nil && st.IsDir() {
			return fmt.Errorf("Package %q is not an import path of the build: did you mean \"./%s\"? (a directory must start with \"./\" or \"../\")", pkg, pkg)
		}
		return fmt.Errorf("Package %q is not found: it is neither a package of the main module nor of the standard library (a directory must start with \"./\" or \"../\")", pkg)
	case gopkg.IsRelative(pkg):
		if _, err := os.Stat(pkg); err != nil {
			return fmt.Errorf("Package %q is not found: there is no such directory relative to the one synthesis runs in", pkg)
		}
	case strings.HasPrefix(goErr, "no required module provides package"):
		return fmt.Errorf("Package %q is not found: no package of the main module or of a module go.mod requires has this import path; check its spelling", pkg)
	}
	return fmt.Errorf("Package %q: %s", pkg, withoutGoGet(goErr))
}

// withoutGoGet removes the go command's advice to run go get from an error.
func withoutGoGet(goErr string) string {
	before, _, _ := strings.Cut(goErr, "; to add it:")
	return strings.TrimSpace(before)
}
