// The decision: which files, modules and directories a build of a main package depends on.

package gosource

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
)

// Sources is what a build of a main package depends on, besides the
// toolchain and the build settings.
type Sources struct {
	// Modules are the modules of the module cache that provide packages,
	// "path version", with " => path version" for a replacement, sorted.
	// go.sum pins their content: their files are not in Files.
	Modules []string
	// Files are the files the build reads that no checksum covers, sorted
	// by Name, the profile last.
	Files []File
	// Dirs are the directories in which a new file can change the build,
	// sorted by Path.
	Dirs []Dir
}

// Kind says what a [File] is to the build.
type Kind int

const (
	// Source is a file of a package, or a file it embeds.
	Source Kind = iota
	// ModuleFile is go.mod, go.sum, go.work, go.work.sum or
	// vendor/modules.txt: it chooses the packages and their versions, so
	// go list's answer depends on it.
	ModuleFile
	// Profile is the profile for profile-guided optimization.
	Profile
)

// File is a file a build reads.
type File struct {
	// Name names the file independently of where the checkout is:
	// "<import path>/<file>" for a package's file, "go.mod of <module>",
	// "go.sum of <module>", "go.work", "go.work.sum",
	// "vendor/modules.txt", "default.pgo of <import path>" or
	// "profile of -pgo".
	Name string
	// Path is the file's absolute path.
	Path string
	Kind Kind
	// Optional is set for a file the build reads only if it exists (a
	// go.sum, go.work.sum, vendor/modules.txt, default.pgo): its creation
	// changes the build as much as an edit does. The build fails without
	// a file that is not optional.
	Optional bool
}

// Read returns the content of f, and false with no error for an optional
// file that does not exist or is not a regular file.
func (f File) Read() ([]byte, bool, error) {
	if f.Optional {
		if st, err := os.Stat(f.Path); err != nil || !st.Mode().IsRegular() {
			return nil, false, nil
		}
	}
	data, err := os.ReadFile(f.Path)
	if err != nil {
		return nil, false, err
	}
	return data, true, nil
}

// Dir is a directory in which a new file can change the build.
type Dir struct {
	Path string
	// Package is set for a package's directory: a new Go, assembly, C or
	// other source file there is part of the package (see Counts).
	Package bool
	// Embed is set for a directory in which an embed pattern can match a
	// new file or directory: every entry counts, but those whose names
	// start with "." or "_" only with Hidden.
	Embed bool
	// Hidden is set for an embedded directory in which an entry whose name
	// starts with "." or "_" is embedded too: a directory an "all:" pattern
	// walks, or the one a wildcard pattern matches in ("static/*" embeds
	// "static/.well").
	Hidden bool
}

// sourceExts are the extensions of the files go build takes from a
// package directory.
var sourceExts = map[string]bool{
	".go": true, ".s": true, ".S": true, ".sx": true, ".c": true, ".cc": true, ".cxx": true, ".cpp": true,
	".m": true, ".h": true, ".hh": true, ".hpp": true, ".hxx": true, ".f": true, ".F": true, ".for": true,
	".f90": true, ".swig": true, ".swigcxx": true, ".syso": true,
}

// Counts reports whether an entry of d named name (a directory if isDir)
// can change the build: in a package directory, a source file other than a
// test; in an embedded directory, any entry. Names starting with "." or
// "_" count only where an embed pattern takes them (Hidden): the go
// command ignores them otherwise (and they are editors' lock and swap
// files).
func (d Dir) Counts(name string, isDir bool) bool {
	switch {
	case strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_"):
		return d.Embed && d.Hidden
	case d.Embed:
		return true
	}
	return d.Package && !isDir && !strings.HasSuffix(name, "_test.go") && IsSourceFile(name)
}

// IsSourceFile reports whether go build takes a file of a package
// directory named name as a source file (by its extension). Its content
// can change what go list reports: the build constraints at the top of
// any such file (a .s file's too), and a Go file's imports and embed
// patterns.
func IsSourceFile(name string) bool { return sourceExts[filepath.Ext(name)] }

// List returns what a build of the main package of pkgs depends on. pkgs
// is the output of go list -deps for one package (see [ListArgs]); env is
// the go command's environment and workDir the directory go build runs
// in, against which a relative -pgo file is resolved. Packages that go
// list could not find are left out. It looks at the file system for the
// directories embed patterns name, and nothing else.
func List(pkgs []Package, env Env, workDir string) (*Sources, error) {
	var root *Package
	for i := range pkgs {
		if !pkgs[i].DepOnly {
			if root != nil {
				return nil, fmt.Errorf("go list reports the packages %s and %s: want one main package", root.ImportPath, pkgs[i].ImportPath)
			}
			root = &pkgs[i]
		}
	}
	if root == nil {
		return nil, errors.New("go list reports no package")
	}
	modules := map[string]bool{}
	files := map[string]File{}
	add := func(f File) {
		if _, ok := files[f.Name]; !ok {
			files[f.Name] = f
		}
	}
	dirs := map[string]*Dir{}
	dir := func(path string) *Dir {
		if dirs[path] == nil {
			dirs[path] = &Dir{Path: path}
		}
		return dirs[path]
	}
	for _, p := range pkgs {
		switch {
		case p.Standard || p.Dir == "":
			continue // part of the toolchain, or not found
		case inModuleCache(p, env.GOMODCACHE):
			m := p.Module.Path + " " + p.Module.Version
			if r := p.Module.Replace; r != nil {
				m += " => " + r.Path + " " + r.Version
			}
			modules[m] = true
			continue
		}
		for _, f := range p.Files() {
			add(File{Name: p.ImportPath + "/" + filepath.ToSlash(f), Path: filepath.Join(p.Dir, f), Kind: Source})
		}
		dir(p.Dir).Package = true
		for d, hidden := range embedDirs(p.Dir, p.EmbedPatterns, p.EmbedFiles) {
			e := dir(d)
			e.Embed, e.Hidden = true, e.Hidden || hidden
		}
		if m := p.Module; m != nil {
			gomod := m.GoMod
			if m.Replace != nil {
				gomod = m.Replace.GoMod
			}
			if gomod != "" {
				add(File{Name: "go.mod of " + m.Path, Path: gomod, Kind: ModuleFile})
			}
			if m.Main && gomod != "" { // the go command reads the go.sum of main modules only
				add(File{Name: "go.sum of " + m.Path, Path: strings.TrimSuffix(gomod, ".mod") + ".sum", Kind: ModuleFile, Optional: true})
			}
		}
	}
	// The vendor directory is the workspace's in a workspace, else the
	// main module's; go.work and go.work.sum choose the modules.
	if w := env.GOWORK; w != "" && w != "off" {
		add(File{Name: "go.work", Path: w, Kind: ModuleFile})
		add(File{Name: "go.work.sum", Path: w + ".sum", Kind: ModuleFile, Optional: true})
		add(File{Name: "vendor/modules.txt", Path: filepath.Join(filepath.Dir(w), "vendor", "modules.txt"), Kind: ModuleFile, Optional: true})
	} else if m := root.Module; m != nil && m.Main && m.Dir != "" {
		add(File{Name: "vendor/modules.txt", Path: filepath.Join(m.Dir, "vendor", "modules.txt"), Kind: ModuleFile, Optional: true})
	}
	pgo, err := profile(root, env.GOFLAGS, workDir)
	if err != nil {
		return nil, err
	}
	if pgo != nil {
		add(*pgo)
	}
	src := &Sources{Modules: slices.Sorted(maps.Keys(modules))}
	src.Files = slices.SortedFunc(maps.Values(files), func(a, b File) int {
		return cmp.Or(cmp.Compare(boolInt(a.Kind == Profile), boolInt(b.Kind == Profile)), strings.Compare(a.Name, b.Name))
	})
	for _, p := range slices.Sorted(maps.Keys(dirs)) {
		src.Dirs = append(src.Dirs, *dirs[p])
	}
	return src, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// inModuleCache reports whether p comes from the module cache, whose
// content go.sum pins, rather than from a directory that can change.
func inModuleCache(p Package, gomodcache string) bool {
	if p.Module == nil || gomodcache == "" {
		return false
	}
	rel, err := filepath.Rel(gomodcache, p.Dir)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// embedDirs returns the directories in which a new file can match one of a
// package's embed patterns, and so change its build: the directories of
// its embedded files and theirs up to the package directory pkg, and each
// pattern's directory (the pattern's part before its first wildcard, or
// its deepest directory that exists), with every directory under it when
// the pattern names a directory. A pattern that names a file adds none.
// A directory maps to true where names starting with "." or "_" are
// embedded too (see Dir.Hidden): under an "all:" pattern, in a wildcard's
// directory, and in an existing ancestor whose missing child such a name
// is.
func embedDirs(pkg string, patterns, files []string) map[string]bool {
	dirs := map[string]bool{}
	mark := func(d string, hidden bool) { dirs[d] = dirs[d] || hidden }
	for _, f := range files {
		for d := filepath.Dir(filepath.Join(pkg, f)); d != pkg && within(pkg, d); d = filepath.Dir(d) {
			mark(d, false)
		}
	}
	for _, pat := range patterns {
		all := strings.HasPrefix(pat, "all:")
		pat = strings.TrimPrefix(pat, "all:")
		fixed, wild := pat, false
		if i := strings.IndexAny(pat, "*?[\\"); i >= 0 {
			fixed, wild = path.Dir(pat[:i+1]), true // the directories before the wildcard's element
		}
		d := filepath.Join(pkg, filepath.FromSlash(fixed))
		fi, err := os.Stat(d)
		switch {
		case err == nil && !fi.IsDir():
			continue // a file: in Files
		case err == nil && !wild:
			filepath.WalkDir(d, func(p string, e fs.DirEntry, err error) error {
				switch {
				case err != nil || !e.IsDir():
				case p != d && !all && hidden(e.Name()):
					return filepath.SkipDir // not embedded without all:
				default:
					mark(p, all)
				}
				return nil
			})
			continue
		}
		hid := all || wild // a wildcard matches names starting with "." or "_"
		for err != nil && d != pkg && within(pkg, d) {
			hid = all || hidden(filepath.Base(d)) // the missing child of the next directory up
			d = filepath.Dir(d)
			_, err = os.Stat(d)
		}
		mark(d, hid)
	}
	return dirs
}

// hidden reports whether the go command leaves a file or directory of
// this name out of a directory's embedding, unless "all:".
func hidden(name string) bool { return strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") }

// within reports whether d is dir or inside it.
func within(dir, d string) bool {
	rel, err := filepath.Rel(dir, d)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}
