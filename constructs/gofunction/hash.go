// The asset hash: the inputs of a build (sources, modules, toolchain, flags) hashed, and their fingerprint.

package gofunction

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"github.com/httpapi-cdk/httpapi/internal/gopkg"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// input is a file the build reads that no checksum covers, named
// independently of where the checkout is.
type input struct {
	name string // "<import path>/<file>" for a package's file, "go.mod of <module>", "go.work"…
	path string
}

// sourceHash returns the asset hash: a SHA-256 of, in a fixed order,
//   - the build settings: target, buildFlags, the build tags, and the go
//     env settings that change the binary (GOFLAGS less the flags that do
//     not, GOEXPERIMENT, GOFIPS140, and GOARM64 or GOAMD64);
//   - the path and version of each module-cache module that provides a
//     package (go.sum pins its content);
//   - the content of every other file the build reads: the files of the
//     packages of the main module, of workspace modules, of directory
//     replacements and of vendor/, those modules' go.mod, the go.sum of
//     the main and workspace modules, go.work and go.work.sum, and the
//     profile for profile-guided optimization (see profile).
//
// The Go version and the build cache are not part of it, so templates do
// not change with the toolchain or the machine.
func sourceHash(pkgs []listedPackage, tc *toolchain, goarch, tags string, goflags []string) (string, error) {
	modules, files := inputs(pkgs, tc)
	pgo, err := profile(pkgs, goflags)
	if err != nil {
		return "", err
	}
	files = append(files, pgo...)
	h := sha256.New()
	level := "GOARM64=" + tc.GOARM64
	if goarch == "amd64" {
		level = "GOAMD64=" + tc.GOAMD64
	}
	fmt.Fprintf(h, "gofunction asset 2\ngoos=linux goarch=%s cgo=0 flags=%q tags=%s\n", goarch, buildFlags, tags)
	fmt.Fprintf(h, "GOFLAGS=%q GOEXPERIMENT=%q GOFIPS140=%q %s\n", goflags, tc.GOEXPERIMENT, tc.GOFIPS140, level)
	for _, m := range modules {
		fmt.Fprintf(h, "module %s\n", m)
	}
	for _, f := range files {
		data, err := os.ReadFile(f.path)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "file %s %d\n", f.name, len(data))
		h.Write(data)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// inputs returns, sorted, the modules from the module cache that provide
// packages ("path version", with " => path version" for a replacement),
// and the other files the build reads.
func inputs(pkgs []listedPackage, tc *toolchain) (modules []string, files []input) {
	seen := map[string]bool{}
	add := func(name, path string, optional bool) {
		if seen[name] {
			return
		}
		if optional {
			if _, err := os.Stat(path); err != nil {
				return
			}
		}
		seen[name] = true
		files = append(files, input{name, path})
	}
	for _, p := range pkgs {
		switch {
		case p.Standard:
			continue // part of the toolchain
		case fromModuleCache(p, tc):
			m := p.Module.Path + " " + p.Module.Version
			if r := p.Module.Replace; r != nil {
				m += " => " + r.Path + " " + r.Version
			}
			if !seen[m] {
				seen[m] = true
				modules = append(modules, m)
			}
			continue
		}
		for _, f := range p.files() {
			add(p.ImportPath+"/"+filepath.ToSlash(f), filepath.Join(p.Dir, f), false)
		}
		if m := p.Module; m != nil {
			gomod := m.GoMod
			if m.Replace != nil {
				gomod = m.Replace.GoMod
			}
			if gomod != "" {
				add("go.mod of "+m.Path, gomod, false)
			}
			if m.Main { // the go command reads the go.sum of main modules only
				add("go.sum of "+m.Path, strings.TrimSuffix(gomod, ".mod")+".sum", true)
			}
		}
	}
	if w := tc.GOWORK; w != "" && w != "off" {
		add("go.work", w, false)
		add("go.work.sum", w+".sum", true)
	}
	slices.Sort(modules)
	slices.SortFunc(files, func(a, b input) int { return strings.Compare(a.name, b.name) })
	return modules, files
}

// profile returns the profile go build reads for profile-guided
// optimization, if any: the file the last -pgo flag of goflags names
// (relative to the current directory, where go build runs), or, with
// -pgo=auto, the default, default.pgo in the main package's directory if
// it exists. go list does not report it.
func profile(pkgs []listedPackage, goflags []string) ([]input, error) {
	pgo := "auto"
	for _, f := range goflags {
		if name, value, _ := strings.Cut(strings.TrimLeft(f, "-"), "="); name == "pgo" {
			pgo = value
		}
	}
	switch pgo {
	case "off":
		return nil, nil
	case "auto":
		for _, p := range pkgs {
			if !p.DepOnly {
				path := filepath.Join(p.Dir, "default.pgo")
				if st, err := os.Stat(path); err != nil || !st.Mode().IsRegular() {
					return nil, nil
				}
				return []input{{"default.pgo of " + p.ImportPath, path}}, nil
			}
		}
		return nil, nil
	}
	path, err := filepath.Abs(pgo)
	if err != nil {
		return nil, err
	}
	return []input{{"profile of -pgo", path}}, nil
}

// files returns the files of p that go build reads, relative to p.Dir.
func (p *listedPackage) files() []string {
	return slices.Concat(p.GoFiles, p.CgoFiles, p.CFiles, p.CXXFiles, p.MFiles, p.HFiles, p.FFiles, p.SFiles,
		p.SwigFiles, p.SwigCXXFiles, p.SysoFiles, p.EmbedFiles)
}

// fromModuleCache reports whether p comes from the module cache, whose
// content go.sum pins, rather than from a directory that can change.
func fromModuleCache(p listedPackage, tc *toolchain) bool {
	if p.Module == nil || tc.GOMODCACHE == "" {
		return false
	}
	rel, err := filepath.Rel(tc.GOMODCACHE, p.Dir)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// fingerprint hashes what go list read that may change while a process
// runs, to tell whether a memoized go list result still holds: for each
// package outside the toolchain and the module cache, the names of the
// entries of its directory and of the directories of its embedded files,
// and the content of its Go files (imports, build constraints, embed
// patterns); and the content of the go.mod, go.sum, go.work and go.work.sum
// files the build reads.
func fingerprint(pkgs []listedPackage, tc *toolchain) (string, error) {
	h := sha256.New()
	for _, p := range pkgs {
		if p.Standard || fromModuleCache(p, tc) {
			continue
		}
		dirs := []string{p.Dir}
		for _, f := range p.EmbedFiles {
			for d := filepath.Dir(f); d != "." && d != "/"; d = filepath.Dir(d) {
				dirs = append(dirs, filepath.Join(p.Dir, d))
			}
		}
		slices.Sort(dirs)
		for _, dir := range slices.Compact(dirs) {
			entries, err := os.ReadDir(dir)
			if err != nil {
				return "", err
			}
			fmt.Fprintf(h, "dir %s\n", dir)
			for _, e := range entries {
				fmt.Fprintf(h, "%s %v\n", e.Name(), e.Type())
				if dir == p.Dir && e.Type() == 0 && strings.HasSuffix(e.Name(), ".go") {
					if err := hashFile(h, filepath.Join(dir, e.Name())); err != nil {
						return "", err
					}
				}
			}
		}
	}
	_, files := inputs(pkgs, tc)
	for _, f := range files {
		if strings.HasPrefix(f.name, "go.") {
			if err := hashFile(h, f.path); err != nil {
				return "", err
			}
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func hashFile(h interface{ Write([]byte) (int, error) }, path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	fmt.Fprintf(h, "%s %d\n", path, len(data))
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
