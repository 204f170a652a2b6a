// A function's sources: the files its build reads that an edit can change, and their state.

package local

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/httpapi-cdk/httpapi/internal/gopkg"
)

// sources are the files whose edit changes a function's build: the Go and
// assembly files of the packages it is built from that are neither in the
// standard library nor in the module cache (so the packages of its own
// module and of local replacements), the files they embed, and their
// modules' go.mod and go.sum.
type sources struct {
	dirs  []string // package directories: their .go (not _test.go) and .s files
	files []string // embedded files, go.mod and go.sum files
}

// listedPackage is what listSources reads of go list's output.
type listedPackage struct {
	Dir        string
	Standard   bool
	EmbedFiles []string
	Module     *listedModule
}

type listedModule struct {
	Version string
	Main    bool
	GoMod   string
	Replace *listedModule
}

// listSources lists fn's sources with go list, in the directory and with
// the build tags and environment of its build.
func listSources(ctx context.Context, fn *Function) (*sources, error) {
	dir, _ := buildDir(fn)
	// -e: a package with an error (a syntax error, a missing import) is
	// listed all the same, with its directory.
	cmd := exec.CommandContext(ctx, "go", "list", "-e", "-deps", "-tags", "lambda.norpc", "-json=Dir,Standard,EmbedFiles,Module", "--", fn.GoPackage)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	cmd.SysProcAttr = childAttr()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("listing the sources of %s (%s): %v\n%s", fn.LogicalID, fn.GoPackage, err, bytes.TrimSpace(stderr.Bytes()))
	}
	src := &sources{}
	files := map[string]bool{}
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p listedPackage
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, fmt.Errorf("listing the sources of %s: reading go list output: %w", fn.LogicalID, err)
		}
		m := p.Module
		if p.Standard || p.Dir == "" || m != nil && !m.Main && (m.Replace == nil || m.Replace.Version != "") {
			continue // the module cache's files are never edited
		}
		src.dirs = append(src.dirs, p.Dir)
		for _, e := range p.EmbedFiles {
			files[filepath.Join(p.Dir, e)] = true
		}
		for ; m != nil; m = m.Replace {
			if m.GoMod != "" {
				files[m.GoMod] = true
				files[filepath.Join(filepath.Dir(m.GoMod), "go.sum")] = true
			}
		}
	}
	src.files = slices.Sorted(maps.Keys(files))
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
		src.dirs = []string{filepath.Join(dir, filepath.FromSlash(fn.GoPackage))}
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

// snapshot returns the state of the sources. A Go file added to one of
// their directories is in it; files whose name starts with "." or "_"
// (an editor's lock and swap files) are not, as the go command ignores
// them.
func (src *sources) snapshot() snapshot {
	snap := snapshot{}
	for _, dir := range src.dirs {
		entries, err := os.ReadDir(dir)
		if err != nil {
			snap[dir] = stamp{size: -1}
			continue
		}
		for _, e := range entries {
			name := e.Name()
			if e.IsDir() || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || strings.HasSuffix(name, "_test.go") ||
				!strings.HasSuffix(name, ".go") && !strings.HasSuffix(name, ".s") {
				continue
			}
			snap.add(filepath.Join(dir, name))
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
