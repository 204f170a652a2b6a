// Building a function's Go package for this machine.

package local

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/httpapi-cdk/httpapi/internal/affinity"
	"github.com/httpapi-cdk/httpapi/internal/gopkg"
)

// buildArgs are the go command's arguments that build pkgs with tags into
// out (a file, or a directory ending in a separator): every emulated
// function is built with these, with gofunction's flags
// (gopkg.BuildFlags) but not -trimpath, so that a panic's stack trace
// names the files on this machine.
func buildArgs(tags, out string, pkgs ...string) []string {
	args := append([]string{"build", "-tags", tags}, gopkg.BuildFlags()...)
	return append(append(args, "-o", out, "--"), pkgs...)
}

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
	if output, _, err := runGo(ctx, launch, moduleDir, true, buildArgs(tags, out, fn.GoPackage)...); err != nil {
		if bytes.Contains(output, []byte("no required module provides package")) || bytes.Contains(output, []byte("go.mod file not found")) {
			// The go command's hint, go get, would add the function's
			// module to whatever module this is: never what is wanted.
			return "", fmt.Errorf("building %s: %s", fn.LogicalID, packageNotFound(fn, why))
		}
		return "", fmt.Errorf("building %s (%s): %v\n%s", fn.LogicalID, fn.GoPackage, err, output)
	}
	if archive, err := isArchive(out); err != nil || archive {
		if err == nil {
			err = errors.New("it is not a main package (go build wrote a package archive): a function's package must be package main")
		}
		return "", fmt.Errorf("building %s (%s): %v", fn.LogicalID, fn.GoPackage, err)
	}
	reportFallback(fn, moduleDir, why, log)
	return out, nil
}

// isArchive reports whether the file at path is a package archive, what go
// build -o FILE writes for a package that is not a main package.
func isArchive(path string) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	head := make([]byte, 8)
	n, _ := io.ReadFull(f, head)
	return string(head[:n]) == "!<arch>\n", nil
}

// reportFallback says on log when fn, whose module synthesis recorded,
// was built in the current directory instead (moduleDir ""), and why.
func reportFallback(fn *Function, moduleDir, why string, log io.Writer) {
	if fn.ModuleDir != "" && moduleDir == "" {
		wd, _ := os.Getwd()
		fmt.Fprintf(log, "local: %s: built %s from the current directory %s, which may hold other code than synthesis saw: %s\n", fn.LogicalID, fn.GoPackage, wd, why)
	}
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

// built is the outcome of a function's build: its binary, or why not.
type built struct {
	binary string
	err    error
}

// buildTogether builds fns into dir with as few go commands as it can.
// The functions of one module directory are built by one go build -o,
// each package once, into that group's entry of the binary store store
// (see storeEntry), where a binary whose inputs did not change since the
// last build is neither compiled nor linked again; each function gets a
// hard link (or a copy) of its package's binary, named after its logical
// id. A function whose package cannot join (a binary name taken, a name
// go build -o DIR would not use), whose package go build passed over, or
// whose group's build failed is built on its own, so that each error is
// the function's own. It says on log what it builds and how long it took,
// one line each, when that is more than a few functions.
func buildTogether(ctx context.Context, fns []*Function, store, dir string, log io.Writer, launch *affinity.Launcher) map[*Function]built {
	out := make(map[*Function]built, len(fns))
	started := time.Now()
	type group struct {
		moduleDir string
		pkgs      []string               // distinct, in the order of fns
		fns       map[string][]*Function // by package
	}
	var groups []*group
	byDir := map[string]*group{}
	var alone []*Function
	names := map[string]string{} // binary name -> package, per module directory
	for _, fn := range fns {
		moduleDir, _ := buildDir(fn)
		g := byDir[moduleDir]
		if g == nil {
			g = &group{moduleDir: moduleDir, fns: map[string][]*Function{}}
			byDir[moduleDir] = g
			groups = append(groups, g)
		}
		// Binary names compared as a file system that ignores case would:
		// two packages must not write one file.
		name := moduleDir + "\x00" + strings.ToLower(path.Base(fn.GoPackage))
		switch {
		case gopkg.Check(fn.GoPackage) != nil || !alphanumeric(fn.LogicalID) || majorVersion.MatchString(path.Base(fn.GoPackage)) || path.Base(fn.GoPackage) == "." || path.Base(fn.GoPackage) == "..":
			alone = append(alone, fn)
		case names[name] != "" && names[name] != fn.GoPackage:
			alone = append(alone, fn)
		default:
			if names[name] == "" {
				names[name] = fn.GoPackage
				g.pkgs = append(g.pkgs, fn.GoPackage)
			}
			g.fns[fn.GoPackage] = append(g.fns[fn.GoPackage], fn)
		}
	}
	packages := 0
	for _, g := range groups {
		packages += len(g.pkgs)
	}
	if len(fns) > fewFunctions {
		fmt.Fprintf(log, "local: building %d function(s), %d package(s), in %d go command(s)\n", len(fns), packages+len(alone), len(groups)+len(alone))
	}
	tags, tagsErr := buildTags()
	for _, g := range groups {
		if len(g.pkgs) == 0 {
			continue
		}
		err := tagsErr
		entry := &storeEntry{release: func() {}}
		if err == nil {
			var e *storeEntry
			if e, err = openStoreEntry(ctx, store, dir, g.moduleDir, tags, g.pkgs, log); err == nil {
				entry = e
			}
		}
		target := func(pkg string) string { return filepath.Join(entry.dir, path.Base(pkg)+exeSuffix()) }
		before := map[string]os.FileInfo{}
		if err == nil {
			for _, pkg := range g.pkgs {
				before[pkg], _ = os.Stat(target(pkg))
			}
			_, _, err = runGoEnv(ctx, launch, g.moduleDir, entry.env, true, buildArgs(tags, entry.dir+string(filepath.Separator), g.pkgs...)...)
			var exit *exec.ExitError
			if err == nil || errors.As(err, &exit) && exit.Exited() {
				entry.built() // it ended by itself: what it wrote is whole
			}
		}
		for _, pkg := range g.pkgs {
			for _, fn := range g.fns[pkg] {
				if err != nil {
					alone = append(alone, fn) // for its own error
					continue
				}
				if !confirmed(target(pkg), before[pkg]) {
					// Not built (not a main package, say): its own build
					// says why; a binary left from before must not run.
					os.Remove(target(pkg))
					alone = append(alone, fn)
					continue
				}
				bin := filepath.Join(dir, fn.LogicalID+exeSuffix())
				os.Remove(bin)
				if lerr := linkOrCopy(target(pkg), bin); lerr != nil {
					alone = append(alone, fn)
					continue
				}
				_, why := buildDir(fn)
				reportFallback(fn, g.moduleDir, why, log)
				out[fn] = built{binary: bin}
			}
		}
		entry.release()
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, fn := range alone {
		wg.Go(func() {
			bin, err := build(ctx, fn, dir, log, launch)
			mu.Lock()
			out[fn] = built{binary: bin, err: err}
			mu.Unlock()
		})
	}
	wg.Wait()
	if len(fns) > fewFunctions {
		failed := 0
		for _, b := range out {
			if b.err != nil {
				failed++
			}
		}
		fmt.Fprintf(log, "local: built %d function(s) in %.1fs, %d failed\n", len(fns)-failed, time.Since(started).Seconds(), failed)
	}
	return out
}

// fewFunctions is the most functions a build round builds without saying
// so.
const fewFunctions = 3

// majorVersion matches the last element of an import path that go build
// -o DIR does not name a binary after.
var majorVersion = regexp.MustCompile(`^v[0-9]+$`)

// exeSuffix is the suffix of executables on this machine.
func exeSuffix() string {
	if runtime.GOOS == "windows" {
		return ".exe"
	}
	return ""
}
