// Building a function's Go package for Lambda: resolving it, then compiling it once per asset hash into a shared cache.

package gofunction

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/httpapi-cdk/httpapi/internal/gopkg"
	"github.com/httpapi-cdk/httpapi/internal/gosource"
)

// buildFlags are the go build flags every function is built with, besides
// -tags (lambda.norpc and the tags GOFLAGS sets). They are part of the
// asset hash: changing them changes the deployed code.
var buildFlags = append([]string{"-trimpath"}, gopkg.BuildFlags()...)

// built is a compiled bootstrap in a directory of its own, ready to be an asset.
type built struct {
	dir        string // holds exactly one file, bootstrap
	hash       string // see sourceHash
	importPath string
	modulePath string // the main module's path, from its go.mod
	moduleDir  string // the main module's root directory, absolute
}

// plan is what a build of one package for one architecture needs, known
// without compiling anything: the asset hash is computed from sources.
type plan struct {
	pkg    string // as the Package prop names it
	wd     string // the directory the go commands run in
	goarch string
	env    []string // for every go command
	tc     *toolchain
	tags   string
	flags  []string // GOFLAGS as sourceHash takes them
	src    *gosource.Sources
	main   gosource.Package
	hash   string
	fp     string // fingerprint of src before hash
}

// resolve lists the main package pkg (an import path or a relative
// directory) and its dependencies for linux/goarch, and computes the asset
// hash. It runs go env and go list, but compiles nothing.
func resolve(pkg, goarch string) (*plan, error) {
	if err := gopkg.Check(pkg); err != nil {
		return nil, fmt.Errorf("Package %q is not allowed: %w", pkg, err)
	}
	env := append(os.Environ(), "GOOS=linux", "GOARCH="+goarch, "CGO_ENABLED=0")
	key, err := contextKey(env)
	if err != nil {
		return nil, err
	}
	tc, err := goEnv(env, key)
	if err != nil {
		return nil, err
	}
	goflags, extraTags, err := splitGOFLAGS(tc.GOFLAGS)
	if err != nil {
		return nil, err
	}
	tags := gopkg.BuildTags(extraTags)
	l, err := listDeps(pkg, tags, env, key, tc)
	if err != nil {
		return nil, err
	}
	var main gosource.Package
	for _, p := range l.pkgs {
		if !p.DepOnly {
			main = p
		}
	}
	if main.Name != "main" {
		return nil, fmt.Errorf("Package %q is package %s, not a main package", pkg, main.Name)
	}
	if main.Module == nil {
		return nil, fmt.Errorf("Package %q is not in a Go module", pkg)
	}
	hash, err := sourceHash(l.src, tc, goarch, tags, goflags)
	if err != nil {
		return nil, fmt.Errorf("Package %q: %w", pkg, err)
	}
	wd, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	return &plan{pkg: pkg, wd: wd, goarch: goarch, env: env, tc: tc, tags: tags, flags: goflags, src: l.src, main: main, hash: hash, fp: l.fingerprint}, nil
}

// build compiles the main package pkg for linux/goarch, or reuses an earlier
// build of the same sources, and returns the directory holding bootstrap.
// If the sources change while go build runs, it starts again once from
// go list, then gives up.
func build(pkg, goarch string) (*built, error) {
	for range 2 {
		p, err := resolve(pkg, goarch)
		if err != nil {
			return nil, err
		}
		b, err := p.build()
		if !errors.Is(err, errSourcesChanged) {
			return b, err
		}
	}
	return nil, fmt.Errorf("Package %q: %w", pkg, errSourcesChanged)
}

// errSourcesChanged reports a build whose binary may not be of the sources
// its asset hash was computed from.
var errSourcesChanged = errors.New("sources changed during the build; synthesize again")

// build compiles p into its directory of the build cache, unless an
// earlier build did. go build reads the sources after resolve hashed them:
// if they differ when it is done, the binary is not cached and build
// returns errSourcesChanged. The cache is under the user cache directory, one
// directory per toolchain and asset hash, shared by concurrent syntheses
// of any number of processes: each compiles into a directory of its own
// and renames it into place, so an asset directory either does not exist
// or holds exactly one complete bootstrap.
func (p *plan) build() (*built, error) {
	b := p.built()
	if complete(b.dir) {
		return b, nil
	}
	tmp, err := p.tempDir()
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp) // after a rename, nothing is left to remove
	args := append([]string{"build"}, buildFlags...)
	args = append(args, "-tags", p.tags, "-o", filepath.Join(tmp, "bootstrap"), "--", p.main.ImportPath)
	if beforeGoBuild != nil {
		beforeGoBuild()
	}
	cmd := exec.Command("go", args...)
	cmd.Env, cmd.Dir = p.env, p.wd
	if output, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("Package %q (%s) does not build: %v\n%s", p.pkg, p.main.ImportPath, err, output)
	}
	return b, p.install(tmp)
}

// cacheRoot is the directory of the asset cache for p's toolchain.
func (p *plan) cacheRoot() string {
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	return filepath.Join(cache, "httpapi-gofunction", p.tc.GOVERSION)
}

// built is p's build in the asset cache, complete or not.
func (p *plan) built() *built {
	// No dots in the last element: CDK would take them for an extension.
	out := filepath.Join(p.cacheRoot(), p.hash)
	return &built{dir: out, hash: p.hash, importPath: p.main.ImportPath, modulePath: p.main.Module.Path, moduleDir: p.main.Module.Dir}
}

// tempDir makes a private directory for a build of p in the asset cache,
// after removing those of builds killed long ago.
func (p *plan) tempDir() (string, error) {
	root := p.cacheRoot()
	if err := os.MkdirAll(root, 0o755); err != nil {
		return "", err
	}
	removeAbandoned(root)
	tmp, err := os.MkdirTemp(root, tmpPrefix)
	if err != nil {
		return "", err
	}
	return tmp, nil
}

// install moves tmp, a private directory holding the bootstrap go build
// wrote for p, into p's place in the asset cache, if p's sources are still
// those it was resolved from; else it returns errSourcesChanged.
func (p *plan) install(tmp string) error {
	if !p.unchanged() {
		return errSourcesChanged
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return err
	}
	out := p.built().dir
	if err := os.Rename(tmp, out); err != nil {
		// Another build of the same sources got there first: its
		// bootstrap is the same program.
		if complete(out) {
			return nil
		}
		return err
	}
	return nil
}

// beforeGoBuild, if set, is called just before go build runs: tests edit
// sources there to race a build.
var beforeGoBuild func()

// unchanged reports whether the sources are still those p was resolved
// from: the same content of the files p.hash covers, and the same
// fingerprint, which sees a file added to or removed from a package
// directory. It runs no go command.
func (p *plan) unchanged() bool {
	h, err := sourceHash(p.src, p.tc, p.goarch, p.tags, p.flags)
	if err != nil || h != p.hash {
		return false
	}
	fp, err := fingerprint(p.src)
	return err == nil && fp == p.fp
}

// tmpPrefix starts the name of a build's private directory; an asset hash
// never does.
const tmpPrefix = "tmp-"

// removeAbandoned removes the private directories of builds that started
// over an hour ago: their process was killed before it could clean up.
func removeAbandoned(root string) {
	entries, _ := os.ReadDir(root)
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), tmpPrefix) {
			continue
		}
		if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > time.Hour {
			os.RemoveAll(filepath.Join(root, e.Name()))
		}
	}
}

// complete reports whether dir holds a finished build.
func complete(dir string) bool {
	st, err := os.Stat(filepath.Join(dir, "bootstrap"))
	return err == nil && st.Mode().IsRegular()
}
