// A function's sources: the files its build reads that an edit can change, and their state.

package local

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/httpapi-cdk/httpapi/internal/affinity"
	"github.com/httpapi-cdk/httpapi/internal/gopkg"
)

// sources are the files whose edit changes a function's build: the Go and
// assembly files of the packages it is built from that are neither in the
// standard library nor in the module cache (so the packages of its own
// module and of local replacements), the files they embed and the
// directories an embed pattern can match a new file in, their modules'
// go.mod and go.sum, the workspace's go.work and go.work.sum, and
// vendor/modules.txt.
type sources struct {
	dirs      []string // package directories: their .go (not _test.go) and .s files
	embedDirs []string // directories of embedded files: all their entries
	files     []string // embedded files, go.mod, go.sum, go.work, go.work.sum and vendor/modules.txt files
}

// listedPackage is what listSources reads of go list's output.
type listedPackage struct {
	Dir           string
	Standard      bool
	EmbedPatterns []string
	EmbedFiles    []string
	Module        *listedModule
}

type listedModule struct {
	Version string
	Main    bool
	GoMod   string
	Replace *listedModule
}

// listSources lists fn's sources with go list, in the directory and with
// the build tags and environment of its build.
func listSources(ctx context.Context, fn *Function, launch *affinity.Launcher) (*sources, error) {
	dir, _ := buildDir(fn)
	tags, err := buildTags()
	if err != nil {
		return nil, fmt.Errorf("listing the sources of %s: reading GOFLAGS: %v", fn.LogicalID, err)
	}
	// -e: a package with an error (a syntax error, a missing import) is
	// listed all the same, with its directory.
	out, stderr, err := runGo(ctx, launch, dir, false, "list", "-e", "-deps", "-tags", tags, "-json=Dir,Standard,EmbedPatterns,EmbedFiles,Module", "--", fn.GoPackage)
	if err != nil {
		return nil, fmt.Errorf("listing the sources of %s (%s): %v\n%s", fn.LogicalID, fn.GoPackage, err, bytes.TrimSpace(stderr))
	}
	src := &sources{}
	files, embedDirs := map[string]bool{}, map[string]bool{}
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
		addEmbedDirs(embedDirs, p.Dir, p.EmbedPatterns, p.EmbedFiles)
		for ; m != nil; m = m.Replace {
			if m.GoMod != "" {
				files[m.GoMod] = true
				files[filepath.Join(filepath.Dir(m.GoMod), "go.sum")] = true
			}
		}
		if m := p.Module; m != nil && m.Main && m.GoMod != "" {
			files[filepath.Join(filepath.Dir(m.GoMod), "vendor", "modules.txt")] = true
		}
	}
	// In a workspace, go.work and go.work.sum choose the modules, and the
	// vendor directory is the workspace's.
	if out, _, err := runGo(ctx, launch, dir, false, "env", "GOWORK"); err == nil {
		if work := strings.TrimSpace(string(out)); work != "" && work != "off" {
			files[work] = true
			files[work+".sum"] = true
			files[filepath.Join(filepath.Dir(work), "vendor", "modules.txt")] = true
		}
	}
	src.embedDirs = slices.Sorted(maps.Keys(embedDirs))
	src.files = slices.Sorted(maps.Keys(files))
	return src, nil
}

// addEmbedDirs adds to dirs the directories in which a new file can match
// one of a package's embed patterns, and so change its build: the
// directories of its embedded files and theirs up to the package
// directory pkg, and each pattern's directory (the pattern's part before
// its first wildcard, or its deepest directory that exists), with every
// directory under it when the pattern names a directory. A pattern that
// names a file adds none.
func addEmbedDirs(dirs map[string]bool, pkg string, patterns, files []string) {
	for _, f := range files {
		for d := filepath.Dir(filepath.Join(pkg, f)); d != pkg && strings.HasPrefix(d, pkg); d = filepath.Dir(d) {
			dirs[d] = true
		}
	}
	for _, pat := range patterns {
		pat = strings.TrimPrefix(pat, "all:")
		fixed, wild := pat, false
		if i := strings.IndexAny(pat, "*?[\\"); i >= 0 {
			fixed, wild = path.Dir(pat[:i+1]), true // the directories before the wildcard's element
		}
		d := filepath.Join(pkg, filepath.FromSlash(fixed))
		fi, err := os.Stat(d)
		switch {
		case err == nil && !fi.IsDir():
			continue // a file: followed as one
		case err == nil && !wild:
			filepath.WalkDir(d, func(p string, e fs.DirEntry, err error) error {
				switch {
				case err != nil || !e.IsDir():
				case p != d && (strings.HasPrefix(e.Name(), ".") || strings.HasPrefix(e.Name(), "_")):
					return filepath.SkipDir // not embedded, but with all:
				default:
					dirs[p] = true
				}
				return nil
			})
			continue
		}
		for err != nil && d != pkg && strings.HasPrefix(d, pkg) {
			d = filepath.Dir(d)
			_, err = os.Stat(d)
		}
		dirs[d] = true
	}
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
// their directories is in it, and any file or directory added to a
// directory of embedded files; files whose name starts with "." or "_"
// (an editor's lock and swap files) are not, as the go command ignores
// them.
func (src *sources) snapshot() snapshot {
	snap := snapshot{}
	ignored := func(name string) bool { return strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") }
	for _, dir := range src.dirs {
		entries, err := os.ReadDir(dir)
		if err != nil {
			snap[dir] = stamp{size: -1}
			continue
		}
		for _, e := range entries {
			name := e.Name()
			if e.IsDir() || ignored(name) || strings.HasSuffix(name, "_test.go") ||
				!strings.HasSuffix(name, ".go") && !strings.HasSuffix(name, ".s") {
				continue
			}
			snap.add(filepath.Join(dir, name))
		}
	}
	for _, dir := range src.embedDirs {
		entries, err := os.ReadDir(dir)
		if err != nil {
			snap[dir] = stamp{size: -1}
			continue
		}
		for _, e := range entries {
			switch {
			case ignored(e.Name()):
			case e.IsDir():
				snap[filepath.Join(dir, e.Name())] = stamp{} // there: its own entries are followed if embedded
			default:
				snap.add(filepath.Join(dir, e.Name()))
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
