package gofunction

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
)

// buildFlags are the go build flags every function is built with. They are
// part of the asset hash: changing them changes the deployed code.
var buildFlags = []string{"-trimpath", "-buildvcs=false", "-tags", "lambda.norpc", "-ldflags", "-s -w"}

// built is a compiled bootstrap in a directory of its own, ready to be an asset.
type built struct {
	dir        string // holds exactly one file, bootstrap
	hash       string // hex sha256 of the sources, go.mod, go.sum and build settings
	importPath string
	modulePath string // the main module's path, from its go.mod
	moduleDir  string // the main module's root directory, absolute
}

// listedPackage is the part of `go list -json` output we use.
type listedPackage struct {
	ImportPath string
	Name       string
	Dir        string
	GoFiles    []string
	EmbedFiles []string
	Module     *struct {
		Path  string
		Main  bool
		Dir   string
		GoMod string
	}
	Error *struct{ Err string }
}

// build compiles the main package pkg (an import path or a directory) for linux/goarch and returns the
// directory holding bootstrap. The result is cached by source hash (and Go
// version) under the user cache directory, so a second synthesis of
// unchanged sources does not compile again.
func build(pkg, goarch string) (*built, error) {
	dir := pkg
	env := append(os.Environ(), "GOOS=linux", "GOARCH="+goarch, "CGO_ENABLED=0")
	pkgs, err := listDeps(pkg, env)
	if err != nil {
		return nil, fmt.Errorf("gofunction: Package %q: %w", dir, err)
	}
	main := pkgs[len(pkgs)-1] // go list -deps prints dependencies first
	if main.Name != "main" {
		return nil, fmt.Errorf("gofunction: Package %q is package %s, not a main package", dir, main.Name)
	}
	if main.Module == nil {
		return nil, fmt.Errorf("gofunction: Package %q is not in a Go module", dir)
	}
	hash, err := sourceHash(pkgs, main.Module.Dir, goarch)
	if err != nil {
		return nil, fmt.Errorf("gofunction: Package %q: %w", dir, err)
	}

	version, err := exec.Command("go", "env", "GOVERSION").Output()
	if err != nil {
		return nil, fmt.Errorf("gofunction: cannot run the go command: %w", err)
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	// One directory per toolchain and source hash, holding only bootstrap
	// (no dots in the last element: CDK would take them for an extension).
	out := filepath.Join(cache, "httpapi-gofunction", strings.TrimSpace(string(version)), hash)
	bootstrap := filepath.Join(out, "bootstrap")
	if _, err := os.Stat(bootstrap); err == nil {
		return &built{dir: out, hash: hash, importPath: main.ImportPath, modulePath: main.Module.Path, moduleDir: main.Module.Dir}, nil
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, fmt.Errorf("gofunction: %w", err)
	}
	tmp := bootstrap + ".tmp"
	args := append([]string{"build"}, buildFlags...)
	args = append(args, "-o", tmp, ".")
	cmd := exec.Command("go", args...)
	cmd.Dir = main.Dir
	cmd.Env = env
	if output, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("gofunction: Package %q (%s) does not build: %v\n%s", dir, main.ImportPath, err, output)
	}
	if err := os.Rename(tmp, bootstrap); err != nil {
		return nil, fmt.Errorf("gofunction: %w", err)
	}
	return &built{dir: out, hash: hash, importPath: main.ImportPath, modulePath: main.Module.Path, moduleDir: main.Module.Dir}, nil
}

func listDeps(pkg string, env []string) ([]listedPackage, error) {
	cmd := exec.Command("go", "list", "-deps", "-tags", "lambda.norpc", "-json=ImportPath,Name,Dir,GoFiles,EmbedFiles,Module,Error", pkg)
	cmd.Env = env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list failed: %v\n%s", err, stderr.Bytes())
	}
	var pkgs []listedPackage
	dec := json.NewDecoder(bytes.NewReader(stdout))
	for {
		var p listedPackage
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, fmt.Errorf("reading go list output: %w", err)
		}
		if p.Error != nil {
			return nil, fmt.Errorf("%s: %s", p.ImportPath, p.Error.Err)
		}
		pkgs = append(pkgs, p)
	}
	if len(pkgs) == 0 {
		return nil, errors.New("go list found no package")
	}
	return pkgs, nil
}

// sourceHash hashes, in a fixed order, the build settings, go.mod, go.sum and
// every source file of the main module's packages in pkgs, each named by its
// path relative to the module root. Files of other modules are covered by
// go.sum.
func sourceHash(pkgs []listedPackage, moduleDir, goarch string) (string, error) {
	files := []string{"go.mod"}
	if _, err := os.Stat(filepath.Join(moduleDir, "go.sum")); err == nil {
		files = append(files, "go.sum")
	}
	for _, p := range pkgs {
		if p.Module == nil || !p.Module.Main {
			continue
		}
		rel, err := filepath.Rel(moduleDir, p.Dir)
		if err != nil {
			return "", err
		}
		for _, f := range append(p.GoFiles, p.EmbedFiles...) {
			files = append(files, filepath.ToSlash(filepath.Join(rel, f)))
		}
	}
	sort.Strings(files)
	h := sha256.New()
	fmt.Fprintf(h, "goos=linux goarch=%s cgo=0 flags=%q\n", goarch, buildFlags)
	for _, f := range files {
		data, err := os.ReadFile(filepath.Join(moduleDir, filepath.FromSlash(f)))
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s %d\n", f, len(data))
		h.Write(data)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
