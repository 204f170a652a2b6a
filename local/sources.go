// A function's sources: the files its build reads that an edit can change, and their state.

package local

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/httpapi-cdk/httpapi/internal/affinity"
	"github.com/httpapi-cdk/httpapi/internal/gopkg"
	"github.com/httpapi-cdk/httpapi/internal/gosource"
)

// sources are the files and directories whose edit changes a function's
// build, as gosource.List decides them: the files of the packages it is
// built from that are neither in the standard library nor in the module
// cache (its module's, workspace modules', directory replacements',
// vendor/'s) and the files they embed; their modules' go.mod, the main
// modules' go.sum, go.work, go.work.sum and vendor/modules.txt; the
// profile for profile-guided optimization; and the directories in which a
// new file would be part of the build.
type sources struct {
	dirs  []gosource.Dir // their entries that count (see gosource.Dir.Counts)
	files []string       // gosource.Sources.Files, present or not
}

// listSources lists fn's sources with go env and go list, in the
// directory and with the build tags and environment of its build.
func listSources(ctx context.Context, fn *Function, launch *affinity.Launcher) (*sources, error) {
	dir, _ := buildDir(fn)
	return listPackageSources(ctx, launch, dir, fn.GoPackage, fn.LogicalID)
}

// listPackageSources lists the sources of a build of the main package pkg
// in dir ("" for the current directory), what naming it in errors.
func listPackageSources(ctx context.Context, launch *affinity.Launcher, dir, pkg, what string) (*sources, error) {
	tags, err := buildTags()
	if err != nil {
		return nil, fmt.Errorf("listing the sources of %s: reading GOFLAGS: %v", what, err)
	}
	out, stderr, err := runGo(ctx, launch, dir, false, append([]string{"env", "-json"}, gosource.EnvVars...)...)
	if err != nil {
		return nil, fmt.Errorf("listing the sources of %s: go env: %v\n%s", what, err, bytes.TrimSpace(stderr))
	}
	var env gosource.Env
	if err := json.Unmarshal(out, &env); err != nil {
		return nil, fmt.Errorf("listing the sources of %s: reading go env output: %w", what, err)
	}
	// A package with an error (a syntax error, a missing import) is listed
	// all the same, with its directory.
	out, stderr, err = runGo(ctx, launch, dir, false, gosource.ListArgs(pkg, tags)...)
	if err != nil {
		return nil, fmt.Errorf("listing the sources of %s (%s): %v\n%s", what, pkg, err, bytes.TrimSpace(stderr))
	}
	pkgs, err := gosource.Decode(out)
	if err != nil {
		return nil, fmt.Errorf("listing the sources of %s: %w", what, err)
	}
	if dir == "" { // go build runs in the current directory: a -pgo file is relative to it
		if dir, err = os.Getwd(); err != nil {
			return nil, fmt.Errorf("listing the sources of %s: %w", what, err)
		}
	}
	list, err := gosource.List(pkgs, env, dir)
	if err != nil {
		return nil, fmt.Errorf("listing the sources of %s (%s): %w", what, pkg, err)
	}
	src := &sources{dirs: list.Dirs}
	for _, f := range list.Files {
		src.files = append(src.files, f.Path)
	}
	return src, nil
}

// fallbackSources are the sources to follow when go list fails (a broken
// go.mod, a package that is gone): the go.mod of the directory the
// function is built in and, for a package named by its directory, that
// directory. An edit of either brings a rebuild, which lists them again.
func fallbackSources(fn *Function) *sources {
	dir, _ := buildDir(fn)
	if dir == "" {
		dir, _ = os.Getwd()
	}
	src := &sources{files: []string{filepath.Join(dir, "go.mod")}}
	if gopkg.IsRelative(fn.GoPackage) {
		src.dirs = []gosource.Dir{{Path: filepath.Join(dir, filepath.FromSlash(fn.GoPackage)), Package: true}}
	}
	return src
}

// stamp is what tells a file's versions apart: its size and modification
// time; a size of -1 for a file that does not exist.
type stamp struct {
	size, mtime int64
}

// snapshot is the state of a set of files, by path.
type snapshot map[string]stamp

func (snap snapshot) add(path string) {
	fi, err := os.Stat(path)
	if err != nil {
		snap[path] = stamp{size: -1}
		return
	}
	snap[path] = stamp{fi.Size(), fi.ModTime().UnixNano()}
}

// snapshot returns the state of the sources: a file added to one of their
// directories that counts (a source file of a package, any entry of an
// embedded directory; see gosource.Dir.Counts) is in it.
func (src *sources) snapshot() snapshot {
	snap := snapshot{}
	for _, d := range src.dirs {
		entries, err := os.ReadDir(d.Path)
		if err != nil {
			snap[d.Path] = stamp{size: -1}
			continue
		}
		for _, e := range entries {
			switch {
			case !d.Counts(e.Name(), e.IsDir()):
			case e.IsDir():
				snap[filepath.Join(d.Path, e.Name())] = stamp{} // there: its own entries are followed if embedded
			default:
				snap.add(filepath.Join(d.Path, e.Name()))
			}
		}
	}
	for _, f := range src.files {
		snap.add(f)
	}
	return snap
}

// changed returns a path whose state differs in a and b, the first in
// order, or "" when they are the same.
func changed(a, b snapshot) string {
	var diff []string
	for path, st := range a {
		if old, ok := b[path]; !ok || old != st {
			diff = append(diff, path)
		}
	}
	for path := range b {
		if _, ok := a[path]; !ok {
			diff = append(diff, path)
		}
	}
	if len(diff) == 0 {
		return ""
	}
	return slices.Min(diff)
}

// modifiedAfter returns a file of snap modified after t, the first in
// order, or "".
func (snap snapshot) modifiedAfter(t time.Time) string {
	var after []string
	for path, st := range snap {
		if st.size >= 0 && st.mtime > t.UnixNano() {
			after = append(after, path)
		}
	}
	if len(after) == 0 {
		return ""
	}
	return slices.Min(after)
}
