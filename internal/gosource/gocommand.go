// What gosource reads from the go command: go list's packages and go env's settings.

package gosource

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Package is a package as `go list -json` reports it, with the fields
// [ListFields] names.
type Package struct {
	ImportPath string
	Name       string
	Dir        string // absolute; "" when the package was not found
	Standard   bool   // part of the standard library
	DepOnly    bool   // a dependency, not the package go list was asked for
	// The files go build reads, relative to Dir. With CGO_ENABLED=0 the
	// cgo lists are empty; they are kept so that a file is never missed.
	GoFiles, CgoFiles, CFiles, CXXFiles, MFiles, HFiles, FFiles, SFiles []string
	SwigFiles, SwigCXXFiles, SysoFiles, EmbedFiles                      []string
	// EmbedPatterns are the package's //go:embed patterns.
	EmbedPatterns []string
	Module        *Module
	Error         *PackageError
}

// Module is a module as go list describes it.
type Module struct {
	Path    string
	Version string
	Main    bool   // a main module: the one of the working directory, or of the workspace
	Dir     string // its root directory, if it has one
	GoMod   string // the go.mod file the go command reads for it
	Replace *Module
}

// PackageError is the error go list -e reports for a package it cannot
// load.
type PackageError struct {
	Err string
}

// ListFields are the fields of [Package], for go list -json=….
const ListFields = "ImportPath,Name,Dir,Standard,DepOnly,GoFiles,CgoFiles,CFiles,CXXFiles,MFiles,HFiles,FFiles,SFiles," +
	"SwigFiles,SwigCXXFiles,SysoFiles,EmbedFiles,EmbedPatterns,Module,Error"

// ListArgs returns the arguments of the go command that lists pkg and its
// dependencies for [Decode], with build tags tags. -e reports a package's
// error in its Error field rather than failing; "--" makes pkg a package,
// never a flag.
func ListArgs(pkg, tags string) []string {
	return []string{"list", "-e", "-deps", "-tags", tags, "-json=" + ListFields, "--", pkg}
}

// Decode reads the output of go list -json: a stream of packages.
func Decode(out []byte) ([]Package, error) {
	var pkgs []Package
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p Package
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			return pkgs, nil
		} else if err != nil {
			return nil, fmt.Errorf("reading go list output: %w", err)
		}
		pkgs = append(pkgs, p)
	}
}

// Files returns the files of p that go build reads, relative to p.Dir.
func (p *Package) Files() []string {
	return slices.Concat(p.GoFiles, p.CgoFiles, p.CFiles, p.CXXFiles, p.MFiles, p.HFiles, p.FFiles, p.SFiles,
		p.SwigFiles, p.SwigCXXFiles, p.SysoFiles, p.EmbedFiles)
}

// Env is the part of the go command's environment, as `go env -json`
// reports it, that [List] depends on.
type Env struct {
	GOFLAGS    string // its -pgo flag chooses the profile
	GOMODCACHE string // the module cache, whose files go.sum pins
	GOWORK     string // the go.work file, "" or "off" outside a workspace
}

// EnvVars are the variables of [Env], for go env -json.
var EnvVars = []string{"GOFLAGS", "GOMODCACHE", "GOWORK"}

// CommandEnv returns the entries of env, in order, that can change what
// the go command answers: the variables go env reports (every GO and
// CGO_ variable, the C toolchain's, GCCGO), PATH (which go command, and
// which toolchain GOTOOLCHAIN finds), the working directory's PWD (the
// spelling of every directory go list reports), and the variables that
// locate the user's directories (the go env file, and the default GOPATH
// and so GOMODCACHE). Names are compared without case, as Windows does;
// keeping more than needed only costs a cache a miss. The rest (a
// shell's OLDPWD and _, a terminal's, the CDK CLI's) cannot change an
// answer, and a cache keyed on the whole environment would miss whenever
// the app is synthesized from another shell.
func CommandEnv(env []string) []string {
	var out []string
	for _, kv := range env {
		name, _, _ := strings.Cut(kv, "=")
		name = strings.ToUpper(name)
		if strings.HasPrefix(name, "GO") || strings.HasPrefix(name, "CGO_") || commandVars[name] {
			out = append(out, kv)
		}
	}
	return out
}

// commandVars are the variables CommandEnv keeps besides GO* and CGO_*,
// in upper case.
var commandVars = map[string]bool{
	"CC": true, "CXX": true, "FC": true, "AR": true, "PKG_CONFIG": true, "GCCGO": true, // go env's C toolchain, and gccgo
	"PATH": true, "PWD": true,
	"HOME": true, "XDG_CONFIG_HOME": true, "XDG_CACHE_HOME": true, // Unix; Plan 9's home too
	"APPDATA": true, "LOCALAPPDATA": true, "USERPROFILE": true, // Windows
}
