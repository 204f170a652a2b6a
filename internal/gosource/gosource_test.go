// Tests of what List decides, on apps the go command lists.

package gosource

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/httpapi-cdk/httpapi/internal/gosource/gosourcetest"
)

// listApp writes files under a new root and lists the main package of its
// directory svc with the go command, as the gofunction construct and the
// emulator do. It returns the root and the sources.
func listApp(t *testing.T, files map[string]string, goflags string) (string, *Sources) {
	t.Helper()
	root := t.TempDir()
	if err := gosourcetest.Write(root, files); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(root, "svc")
	env := append(os.Environ(), "GOFLAGS="+goflags, "GOPROXY=off", "CGO_ENABLED=0")
	run := func(args ...string) []byte {
		cmd := exec.Command("go", args...)
		cmd.Dir, cmd.Env = dir, env
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("go %s: %v", args[0], err)
		}
		return out
	}
	var e Env
	if err := json.Unmarshal(run(append([]string{"env", "-json"}, EnvVars...)...), &e); err != nil {
		t.Fatal(err)
	}
	pkgs, err := Decode(run(ListArgs(".", "lambda.norpc")...))
	if err != nil {
		t.Fatal(err)
	}
	src, err := List(pkgs, e, dir)
	if err != nil {
		t.Fatal(err)
	}
	return root, src
}

// file returns the file of src named name.
func file(src *Sources, name string) (File, bool) {
	i := slices.IndexFunc(src.Files, func(f File) bool { return f.Name == name })
	if i < 0 {
		return File{}, false
	}
	return src.Files[i], true
}

// wantFiles checks that src has the files of want (name → slash path
// relative to root, or "" for a file that must be absent).
func wantFiles(t *testing.T, root string, src *Sources, want map[string]string) {
	t.Helper()
	for name, rel := range want {
		f, ok := file(src, name)
		switch {
		case rel == "" && ok:
			t.Errorf("%s is listed (%s), want it left out", name, f.Path)
		case rel != "" && !ok:
			t.Errorf("%s is missing", name)
		case rel != "" && f.Path != filepath.Join(root, filepath.FromSlash(rel)):
			t.Errorf("%s: path %s, want %s", name, f.Path, rel)
		}
	}
}

func TestListModule(t *testing.T) {
	root, src := listApp(t, gosourcetest.Edits[0].Files, "")
	wantFiles(t, root, src, map[string]string{
		"example.com/svc/main.go":             "svc/main.go",
		"example.com/svc/static/a.txt":        "svc/static/a.txt",
		"example.com/svc/greet/greet.go":      "svc/greet/greet.go",
		"go.mod of example.com/svc":           "svc/go.mod",
		"go.sum of example.com/svc":           "svc/go.sum",
		"vendor/modules.txt":                  "svc/vendor/modules.txt",
		"default.pgo of example.com/svc":      "svc/default.pgo",
		"go.work":                             "",
		"example.com/svc/unused/unused.go":    "",
		"example.com/svc/greet/greet_test.go": "",
	})
	if len(src.Modules) != 0 {
		t.Errorf("modules %q, want none: there is no module cache", src.Modules)
	}
	if last := src.Files[len(src.Files)-1]; last.Kind != Profile || !last.Optional {
		t.Errorf("the last file is %+v, want the optional profile", last)
	}
	wantDirs := []Dir{
		{Path: filepath.Join(root, "svc"), Package: true},
		{Path: filepath.Join(root, "svc", "greet"), Package: true},
		{Path: filepath.Join(root, "svc", "static"), Embed: true},
	}
	if !slices.Equal(src.Dirs, wantDirs) {
		t.Errorf("dirs %+v, want %+v", src.Dirs, wantDirs)
	}
	for _, f := range src.Files {
		if want := strings.HasPrefix(f.Name, "go.") || f.Name == "vendor/modules.txt"; (f.Kind == ModuleFile) != want {
			t.Errorf("%s: kind %d", f.Name, f.Kind)
		}
	}
}

// The go command reads the go.sum of the main modules only: a directory
// replacement's go.mod is read, its go.sum is not.
func TestListReplacement(t *testing.T) {
	root, src := listApp(t, gosourcetest.Edits[slices.IndexFunc(gosourcetest.Edits, func(e gosourcetest.Edit) bool {
		return e.Name == "directory replacement's source"
	})].Files, "")
	wantFiles(t, root, src, map[string]string{
		"example.com/lib/lib.go":    "lib/lib.go",
		"go.mod of example.com/lib": "lib/go.mod",
		"go.sum of example.com/lib": "",
		"go.sum of example.com/svc": "svc/go.sum",
	})
}

// A vendored package's files are the build's: no checksum covers them.
func TestListVendor(t *testing.T) {
	root, src := listApp(t, gosourcetest.Edits[slices.IndexFunc(gosourcetest.Edits, func(e gosourcetest.Edit) bool {
		return e.Name == "vendored package's source"
	})].Files, "")
	wantFiles(t, root, src, map[string]string{
		"example.com/lib/lib.go": "svc/vendor/example.com/lib/lib.go",
		"vendor/modules.txt":     "svc/vendor/modules.txt",
	})
	if !slices.Contains(src.Dirs, Dir{Path: filepath.Join(root, "svc", "vendor", "example.com", "lib"), Package: true}) {
		t.Errorf("dirs %+v: the vendored package's is missing", src.Dirs)
	}
}

// In a workspace, go.work and go.work.sum choose the modules, every
// workspace module is a main module, and the vendor directory is the
// workspace's.
func TestListWorkspace(t *testing.T) {
	root, src := listApp(t, gosourcetest.Edits[slices.IndexFunc(gosourcetest.Edits, func(e gosourcetest.Edit) bool {
		return e.Name == "go.work"
	})].Files, "")
	wantFiles(t, root, src, map[string]string{
		"go.work":                   "go.work",
		"go.work.sum":               "go.work.sum",
		"vendor/modules.txt":        "vendor/modules.txt",
		"go.sum of example.com/lib": "lib/go.sum",
		"example.com/lib/lib.go":    "lib/lib.go",
	})
}

// The profile is default.pgo with -pgo=auto, the default; the file -pgo
// names, relative to the directory of the build; none with -pgo=off.
func TestListProfile(t *testing.T) {
	files := gosourcetest.Edits[0].Files
	for goflags, want := range map[string]string{
		"-pgo=auto":           "default.pgo of example.com/svc svc/default.pgo true",
		"-pgo=prof/cpu.pprof": "profile of -pgo svc/prof/cpu.pprof false",
		"-pgo=off":            "",
		"-pgo=auto -pgo=off":  "",
	} {
		root, src := listApp(t, files, goflags)
		got := ""
		if f := src.Files[len(src.Files)-1]; f.Kind == Profile {
			rel, _ := filepath.Rel(root, f.Path)
			got = strings.Join([]string{f.Name, filepath.ToSlash(rel), map[bool]string{true: "true", false: "false"}[f.Optional]}, " ")
		}
		if got != want {
			t.Errorf("GOFLAGS=%s: profile %q, want %q", goflags, got, want)
		}
	}
	root := &Package{ImportPath: "example.com/svc", Dir: filepath.FromSlash("/src/svc")}
	if f, err := profile(root, "-pgo="+filepath.FromSlash("/prof/cpu.pprof"), "wd"); err != nil || f.Path != filepath.FromSlash("/prof/cpu.pprof") {
		t.Errorf("an absolute -pgo file: %+v, %v", f, err)
	}
	if _, err := List([]Package{*root}, Env{GOFLAGS: `"-pgo=x`}, "wd"); err == nil {
		t.Error("an unterminated GOFLAGS string is accepted")
	}
}

func TestListRefusesOtherThanOnePackage(t *testing.T) {
	a := Package{ImportPath: "a", Dir: "a"}
	b := Package{ImportPath: "b", Dir: "b"}
	if _, err := List(nil, Env{}, "wd"); err == nil || !strings.Contains(err.Error(), "no package") {
		t.Errorf("no package: %v", err)
	}
	if _, err := List([]Package{a, b}, Env{}, "wd"); err == nil || !strings.Contains(err.Error(), "the packages a and b") {
		t.Errorf("two packages: %v", err)
	}
}

func TestDecodeRefusesBrokenOutput(t *testing.T) {
	if _, err := Decode([]byte(`{"ImportPath": "a"} {"Dir": `)); err == nil {
		t.Error("truncated output is accepted")
	}
	if pkgs, err := Decode(nil); err != nil || len(pkgs) != 0 {
		t.Errorf("no output: %v, %v", pkgs, err)
	}
}

func TestCounts(t *testing.T) {
	pkg, embed := Dir{Package: true}, Dir{Embed: true}
	for _, tc := range []struct {
		d     Dir
		name  string
		isDir bool
		want  bool
	}{
		{pkg, "main.go", false, true},
		{pkg, "asm_arm64.s", false, true},
		{pkg, "x.syso", false, true},
		{pkg, "x.h", false, true},
		{pkg, "main_test.go", false, false},
		{pkg, "README.md", false, false},
		{pkg, "sub", true, false},
		{pkg, "dir.go", true, false},
		{pkg, ".main.go.swp", false, false},
		{pkg, "_old.go", false, false},
		{embed, "page.html", false, true},
		{embed, "img", true, true},
		{embed, ".page.html.swp", false, false},
		{embed, "_draft", false, false},
		{Dir{Embed: true, Hidden: true}, ".well", false, true},
		{Dir{Embed: true, Hidden: true}, "_draft", true, true},
		{Dir{Package: true, Hidden: true}, "_old.go", false, false},
		{Dir{}, "main.go", false, false},
	} {
		if got := tc.d.Counts(tc.name, tc.isDir); got != tc.want {
			t.Errorf("%+v.Counts(%q, %v) = %v, want %v", tc.d, tc.name, tc.isDir, got, tc.want)
		}
	}
}

func TestFileRead(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "go.sum")
	if data, ok, err := (File{Path: path, Optional: true}).Read(); ok || err != nil || data != nil {
		t.Errorf("an absent optional file: %q, %v, %v", data, ok, err)
	}
	if _, _, err := (File{Path: path}).Read(); err == nil {
		t.Error("an absent file that is not optional reads without an error")
	}
	if _, ok, err := (File{Path: dir, Optional: true}).Read(); ok || err != nil {
		t.Errorf("an optional directory: %v, %v", ok, err)
	}
	os.WriteFile(path, []byte("sum\n"), 0o644)
	if data, ok, err := (File{Path: path, Optional: true}).Read(); !ok || err != nil || string(data) != "sum\n" {
		t.Errorf("a present optional file: %q, %v, %v", data, ok, err)
	}
}

// TestCommandEnv keeps the variables the go command reads, in order and
// whatever their case, and drops a shell's and the CDK CLI's.
func TestCommandEnv(t *testing.T) {
	env := []string{"OLDPWD=/a", "GOFLAGS=-tags=x", "_=/usr/bin/cdk", "PATH=/bin", "CDK_OUTDIR=cdk.out", "Path=C:\\Go\\bin",
		"CGO_ENABLED=0", "TERM=xterm", "HOME=/home/u", "GOFLAGS=-mod=mod", "JSII_AGENT=go", "PWD=/app", "LocalAppData=C:\\x", "CC=clang", "GCCGO=gccgo-14"}
	want := []string{"GOFLAGS=-tags=x", "PATH=/bin", "Path=C:\\Go\\bin", "CGO_ENABLED=0", "HOME=/home/u", "GOFLAGS=-mod=mod", "PWD=/app", "LocalAppData=C:\\x", "CC=clang", "GCCGO=gccgo-14"}
	if got := CommandEnv(env); !slices.Equal(got, want) {
		t.Errorf("CommandEnv(%q)\n = %q\nwant %q", env, got, want)
	}
}
