// The asset hash: the inputs of a build (sources, modules, toolchain, flags) hashed, and their fingerprint.

package gofunction

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/httpapi-cdk/httpapi/internal/gopkg"
	"github.com/httpapi-cdk/httpapi/internal/gosource"
)

// sourceHash returns the asset hash: a SHA-256 of, in a fixed order,
//   - the build settings: target, buildFlags, the build tags, and the go
//     env settings that change the binary (GOFLAGS less the flags that do
//     not, GOEXPERIMENT, GOFIPS140, and GOARM64 or GOAMD64);
//   - the path and version of each module-cache module that provides a
//     package (go.sum pins its content);
//   - the name, size and content of every file of src.Files that exists:
//     the files of the packages of the main module, of workspace modules,
//     of directory replacements and of vendor/, those modules' go.mod, the
//     go.sum of the main and workspace modules, go.work and go.work.sum,
//     vendor/modules.txt and the profile for profile-guided optimization
//     (see gosource.List).
//
// The Go version and the build cache are not part of it, so templates do
// not change with the toolchain or the machine.
func sourceHash(src *gosource.Sources, tc *toolchain, goarch, tags string, goflags []string) (string, error) {
	h := sha256.New()
	level := "GOARM64=" + tc.GOARM64
	if goarch == "amd64" {
		level = "GOAMD64=" + tc.GOAMD64
	}
	fmt.Fprintf(h, "gofunction asset 2\ngoos=linux goarch=%s cgo=0 flags=%q tags=%s\n", goarch, buildFlags, tags)
	fmt.Fprintf(h, "GOFLAGS=%q GOEXPERIMENT=%q GOFIPS140=%q %s\n", goflags, tc.GOEXPERIMENT, tc.GOFIPS140, level)
	for _, m := range src.Modules {
		fmt.Fprintf(h, "module %s\n", m)
	}
	for _, f := range src.Files {
		data, ok, err := f.Read()
		if err != nil {
			return "", err
		}
		if ok {
			fmt.Fprintf(h, "file %s %d\n", f.Name, len(data))
			h.Write(data)
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// fingerprint hashes what go list read that may change while a process
// runs, to tell whether a go list result still holds: the entries of
// src.Dirs that count (a new file of a package, or one an embed pattern
// matches), the content of the source files of package directories (see
// gosource.IsSourceFile: build constraints, and a Go file's imports and
// embed patterns), and the content, or absence, of the
// module files (go.mod, go.sum, go.work, go.work.sum, vendor/modules.txt),
// and the directory of the nearest go.mod above each package directory
// (a go.mod created between a package and its module's root makes it a
// package of another module).
func fingerprint(src *gosource.Sources) (string, error) {
	h := sha256.New()
	for _, d := range src.Dirs {
		entries, err := os.ReadDir(d.Path)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "dir %s\n", d.Path)
		if d.Package {
			fmt.Fprintf(h, "in module at %s\n", nearestGoMod(d.Path))
		}
		for _, e := range entries {
			if !d.Counts(e.Name(), e.IsDir()) {
				continue
			}
			fmt.Fprintf(h, "%s %v\n", e.Name(), e.Type())
			if contentHashed(d, e) {
				if err := hashFile(h, gosource.File{Path: filepath.Join(d.Path, e.Name())}); err != nil {
					return "", err
				}
			}
		}
	}
	for _, f := range src.Files {
		if f.Kind == gosource.ModuleFile {
			if err := hashFile(h, f); err != nil {
				return "", err
			}
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// contentHashed reports whether fingerprint hashes the content of d's
// entry e, not only its name: a source file of a package directory
// (gosource.IsSourceFile). settledBefore checks the times of the same
// files.
func contentHashed(d gosource.Dir, e os.DirEntry) bool {
	return d.Package && e.Type().IsRegular() && d.Counts(e.Name(), false) && gosource.IsSourceFile(e.Name())
}

// nearestGoMod returns the directory of the go.mod file nearest above dir,
// or dir itself, or "" when there is none.
func nearestGoMod(dir string) string {
	for d := dir; ; d = filepath.Dir(d) {
		if st, err := os.Stat(filepath.Join(d, "go.mod")); err == nil && !st.IsDir() {
			return d
		}
		if filepath.Dir(d) == d {
			return ""
		}
	}
}

// hashFile writes f's path, size and content to h, or that it is absent.
func hashFile(h io.Writer, f gosource.File) error {
	data, ok, err := f.Read()
	if err != nil {
		return err
	}
	if !ok {
		fmt.Fprintf(h, "%s absent\n", f.Path)
		return nil
	}
	fmt.Fprintf(h, "%s %d\n", f.Path, len(data))
	h.Write(data)
	return nil
}

// neutralFlags are the go command flags, as GOFLAGS may set them, that do
// not change the binary go build writes, or that buildFlags overrides
// (the go command applies command-line flags after GOFLAGS): they are left
// out of the asset hash.
var neutralFlags = map[string]bool{
	"a": true, "p": true, "v": true, "x": true, "work": true, "json": true,
	"mod": true, "modcacherw": true, // where modules are read from: their content is hashed
	"trimpath": true, "buildvcs": true, "ldflags": true, // set by buildFlags
}

// splitGOFLAGS splits GOFLAGS as the go command does (space-separated,
// with '…' or "…" around an element) into the flags that are part of the
// asset hash and the build tags it sets, which are merged with ours
// because a -tags flag on the command line would replace them. It refuses
// -overlay.
func splitGOFLAGS(goflags string) (hashed, tags []string, err error) {
	fields, err := gopkg.GOFLAGSFields(goflags)
	if err != nil {
		return nil, nil, err
	}
	for _, f := range fields {
		name, _, _ := strings.Cut(strings.TrimLeft(f, "-"), "=")
		if t, ok := gopkg.FlagTags(f); ok {
			tags = append(tags, t...)
			continue
		}
		switch {
		case name == "overlay":
			// The files an overlay replaces are not those go list
			// reports: the asset hash would miss them.
			return nil, nil, fmt.Errorf("GOFLAGS %q sets %s, which gofunction does not support: unset it for synthesis", goflags, f)
		case !neutralFlags[name]:
			hashed = append(hashed, f)
		}
	}
	return hashed, tags, nil
}
