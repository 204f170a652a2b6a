package gofunction

import (
	"bytes"
	"fmt"
	"github.com/httpapi-cdk/httpapi/internal/gopkg"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// writeFiles writes files (path → content) under dir.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// writeModule writes a small module with a main package that imports a
// package of its own, and returns its directory.
func writeModule(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"go.mod":              "module example.com/svc\n\ngo 1.25\n",
		"cmd/fn/main.go":      "package main\n\nimport \"example.com/svc/greet\"\n\nfunc main() { println(greet.Hello()) }\n",
		"greet/greet.go":      "package greet\n\nfunc Hello() string { return \"hello\" }\n",
		"greet/greet_test.go": "package greet\n",
		"unused/unused.go":    "package unused\n",
	})
	return dir
}

// warmGOCACHE is the go command's build cache as this process found it.
var warmGOCACHE = sync.OnceValue(func() string {
	out, err := exec.Command("go", "env", "GOCACHE").Output()
	if err != nil {
		panic(err)
	}
	return strings.TrimSpace(string(out))
})

// freshBuildCache gives gofunction an empty cache directory and returns it,
// while the go command keeps its own warm build cache (GOCACHE defaults to
// a directory of the user cache too): a test then links its functions
// but does not compile the standard library again. The asset hash is
// computed from sources; TestAssetHash checks it with an empty GOCACHE.
func freshBuildCache(t *testing.T) string {
	t.Helper()
	gocache := warmGOCACHE()
	dir := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", dir)
	t.Setenv("GOCACHE", gocache)
	return filepath.Join(dir, "httpapi-gofunction")
}

func resolveIn(t *testing.T, pkg, arch string) *plan {
	t.Helper()
	p, err := resolve(pkg, arch)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func buildOK(t *testing.T, pkg, arch string) (*built, []byte) {
	t.Helper()
	b, err := build(pkg, arch)
	if err != nil {
		t.Fatal(err)
	}
	bin, err := os.ReadFile(filepath.Join(b.dir, "bootstrap"))
	if err != nil {
		t.Fatal(err)
	}
	return b, bin
}

// TestAssetHash checks what the asset hash covers, from sources alone:
// nothing here compiles.
func TestAssetHash(t *testing.T) {
	freshBuildCache(t)
	dir := writeModule(t)
	t.Chdir(dir)
	first := resolveIn(t, "./cmd/fn", "arm64")
	if first.main.ImportPath != "example.com/svc/cmd/fn" {
		t.Errorf("importPath = %q", first.main.ImportPath)
	}
	if again := resolveIn(t, "example.com/svc/cmd/fn", "arm64"); again.hash != first.hash {
		t.Error("the same sources named by import path give another hash")
	}
	if amd := resolveIn(t, "./cmd/fn", "amd64"); amd.hash == first.hash {
		t.Error("amd64 and arm64 builds share a hash")
	}

	// Files the build does not read do not change the hash.
	writeFiles(t, dir, map[string]string{
		"greet/greet_test.go": "package greet\n\n// changed\n",
		"unused/unused.go":    "package unused\n\n// changed\n",
	})
	if h := resolveIn(t, "./cmd/fn", "arm64").hash; h != first.hash {
		t.Error("editing a test file or an unimported package changed the hash")
	}
	// Neither do a fresh build cache and GOFLAGS that do not change the
	// binary.
	t.Run("fresh GOCACHE, neutral GOFLAGS", func(t *testing.T) {
		t.Setenv("GOFLAGS", "-mod=mod -p=1 -trimpath -buildvcs=true")
		t.Setenv("GOCACHE", t.TempDir())
		if h := resolveIn(t, "./cmd/fn", "arm64").hash; h != first.hash {
			t.Error("GOFLAGS that do not change the binary, or a fresh GOCACHE, changed the hash")
		}
	})
	// Settings that change the binary do.
	for _, env := range [][2]string{
		{"GOFLAGS", "-gcflags=all=-N"},
		{"GOFLAGS", "-tags=extra"},
		{"GOFLAGS", "'-tags=extra other'"},
		{"GOEXPERIMENT", "arenas"},
		{"GOARM64", "v8.2"},
		{"GOFIPS140", "latest"},
	} {
		t.Run(env[0]+"="+env[1], func(t *testing.T) {
			t.Setenv(env[0], env[1])
			if h := resolveIn(t, "./cmd/fn", "arm64").hash; h == first.hash {
				t.Errorf("%s=%s did not change the hash", env[0], env[1])
			}
		})
	}
	t.Run("GOAMD64=v3", func(t *testing.T) {
		amd := resolveIn(t, "./cmd/fn", "amd64").hash
		t.Setenv("GOAMD64", "v3")
		if h := resolveIn(t, "./cmd/fn", "amd64").hash; h == amd {
			t.Error("GOAMD64=v3 did not change the amd64 hash")
		}
	})
	// A source of an imported package of the module does.
	writeFiles(t, dir, map[string]string{"greet/greet.go": "package greet\n\nfunc Hello() string { return \"hi\" }\n"})
	second := resolveIn(t, "./cmd/fn", "arm64").hash
	if second == first.hash {
		t.Error("editing an imported package did not change the hash")
	}
	// So does go.mod.
	writeFiles(t, dir, map[string]string{"go.mod": "module example.com/svc\n\ngo 1.24\n"})
	if h := resolveIn(t, "./cmd/fn", "arm64").hash; h == second || h == first.hash {
		t.Error("editing go.mod did not change the hash")
	}
	// And so does a new file of the package.
	writeFiles(t, dir, map[string]string{"greet/more.go": "package greet\n\nvar More = 1\n"})
	third := resolveIn(t, "./cmd/fn", "arm64").hash
	if third == second {
		t.Error("adding a file to an imported package did not change the hash")
	}
	// The profile go build reads for PGO: default.pgo of the main package
	// with -pgo=auto, the default; the file -pgo names.
	pgoBase := resolveIn(t, "./cmd/fn", "arm64").hash
	writeFiles(t, dir, map[string]string{"cmd/fn/default.pgo": "profile 1"})
	withPGO := resolveIn(t, "./cmd/fn", "arm64").hash
	if withPGO == pgoBase {
		t.Error("adding default.pgo did not change the hash")
	}
	writeFiles(t, dir, map[string]string{"cmd/fn/default.pgo": "profile 2"})
	if h := resolveIn(t, "./cmd/fn", "arm64").hash; h == withPGO || h == pgoBase {
		t.Error("editing default.pgo did not change the hash")
	}
	t.Run("GOFLAGS=-pgo=auto", func(t *testing.T) {
		t.Setenv("GOFLAGS", "-pgo=auto")
		a := resolveIn(t, "./cmd/fn", "arm64").hash
		writeFiles(t, dir, map[string]string{"cmd/fn/default.pgo": "profile 3"})
		if h := resolveIn(t, "./cmd/fn", "arm64").hash; h == a {
			t.Error("with -pgo=auto, editing default.pgo did not change the hash")
		}
	})
	t.Run("GOFLAGS=-pgo=off", func(t *testing.T) {
		t.Setenv("GOFLAGS", "-pgo=off")
		off := resolveIn(t, "./cmd/fn", "arm64").hash
		writeFiles(t, dir, map[string]string{"cmd/fn/default.pgo": "profile 4"})
		if h := resolveIn(t, "./cmd/fn", "arm64").hash; h != off {
			t.Error("with -pgo=off, editing default.pgo changed the hash")
		}
	})
	t.Run("GOFLAGS=-pgo=file", func(t *testing.T) {
		writeFiles(t, dir, map[string]string{"prof/cpu.pprof": "named 1"})
		t.Setenv("GOFLAGS", "-pgo=prof/cpu.pprof")
		named := resolveIn(t, "./cmd/fn", "arm64").hash
		writeFiles(t, dir, map[string]string{"prof/cpu.pprof": "named 2"})
		if h := resolveIn(t, "./cmd/fn", "arm64").hash; h == named {
			t.Error("editing the file -pgo names did not change the hash")
		}
		os.Remove(filepath.Join(dir, "prof/cpu.pprof"))
		if _, err := resolve("./cmd/fn", "arm64"); err == nil {
			t.Error("a missing -pgo file is accepted")
		}
	})
	os.Remove(filepath.Join(dir, "cmd/fn/default.pgo"))
	if h := resolveIn(t, "./cmd/fn", "arm64").hash; h != pgoBase {
		t.Error("removing default.pgo did not restore the hash")
	}

	// A new import brings a package into the hash (go list runs again
	// rather than answering from its memo).
	writeFiles(t, dir, map[string]string{"cmd/fn/main.go": "package main\n\nimport (\n\t\"example.com/svc/greet\"\n\t_ \"example.com/svc/unused\"\n)\n\nfunc main() { println(greet.Hello()) }\n"})
	fourth := resolveIn(t, "./cmd/fn", "arm64").hash
	writeFiles(t, dir, map[string]string{"unused/unused.go": "package unused\n\n// changed again\n"})
	if h := resolveIn(t, "./cmd/fn", "arm64").hash; h == fourth || fourth == third {
		t.Error("a newly imported package is not part of the hash")
	}
}

func TestSplitGOFLAGS(t *testing.T) {
	hashed, tags, err := splitGOFLAGS(`-mod=mod -p=4 -v --trimpath -buildvcs=false "-ldflags=-X a=b" -gcflags=all=-N '-tags=x y' --tags=z,lambda.norpc -pgo=off`)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(hashed, " "); got != "-gcflags=all=-N -pgo=off" {
		t.Errorf("hashed flags %q", got)
	}
	if got := gopkg.BuildTags(tags); got != "lambda.norpc,x,y,z" {
		t.Errorf("tags %q", got)
	}
	if _, _, err := splitGOFLAGS(`"-tags=x`); err == nil {
		t.Error("an unterminated quote is accepted")
	}
	if _, _, err := splitGOFLAGS(`-p=4 -overlay=o.json`); err == nil || !strings.Contains(err.Error(), `"-p=4 -overlay=o.json" sets -overlay=o.json`) {
		t.Errorf("-overlay: error %v", err)
	}
}

// TestBuild builds a module's function and checks the binary and its cache.
func TestBuild(t *testing.T) {
	cache := freshBuildCache(t)
	t.Chdir(writeModule(t))
	b, bin := buildOK(t, "./cmd/fn", "arm64")
	if b.importPath != "example.com/svc/cmd/fn" {
		t.Errorf("importPath = %q", b.importPath)
	}
	if !bytes.HasPrefix(bin, []byte("\x7fELF")) || bin[0x12] != 0xb7 { // e_machine EM_AARCH64
		t.Errorf("bootstrap is not a linux/arm64 ELF binary")
	}
	if !strings.HasPrefix(b.dir, cache+string(filepath.Separator)) {
		t.Errorf("built into %s, not under %s", b.dir, cache)
	}
	entries, _ := os.ReadDir(b.dir)
	if len(entries) != 1 || entries[0].Name() != "bootstrap" {
		t.Errorf("the asset directory holds %v, want only bootstrap", entries)
	}
	// The second build of the same sources reuses the first.
	st, _ := os.Stat(filepath.Join(b.dir, "bootstrap"))
	again, _ := buildOK(t, "./cmd/fn", "arm64")
	st2, _ := os.Stat(filepath.Join(again.dir, "bootstrap"))
	if again.dir != b.dir || !os.SameFile(st, st2) || !st.ModTime().Equal(st2.ModTime()) {
		t.Error("an unchanged package was built again")
	}
	// A build removes what a killed build left over an hour ago.
	versionDir := filepath.Dir(b.dir)
	abandoned, recent := filepath.Join(versionDir, "tmp-1"), filepath.Join(versionDir, "tmp-2")
	writeFiles(t, versionDir, map[string]string{"tmp-1/bootstrap": "partial", "tmp-2/bootstrap": "partial"})
	old := time.Now().Add(-2 * time.Hour)
	if err := os.Chtimes(abandoned, old, old); err != nil {
		t.Fatal(err)
	}
	writeFiles(t, ".", map[string]string{"greet/greet.go": "package greet\n\nfunc Hello() string { return \"hi\" }\n"})
	buildOK(t, "./cmd/fn", "arm64")
	if _, err := os.Stat(abandoned); err == nil {
		t.Error("an abandoned build directory was left")
	}
	if _, err := os.Stat(recent); err != nil {
		t.Error("a recent build directory, maybe of a running build, was removed")
	}
}

// TestBuildSeesLocalCode edits, for each kind of local code no checksum
// covers, a file the function imports, and requires another hash and
// another binary.
func TestBuildSeesLocalCode(t *testing.T) {
	const main = "package main\n\nimport \"example.com/lib\"\n\nfunc main() { println(lib.Hello()) }\n"
	const lib = "package lib\n\nfunc Hello() string { return \"hello\" }\n"
	const edited = "package lib\n\nfunc Hello() string { return \"edited\" }\n"
	for _, tc := range []struct {
		name  string
		files map[string]string
		wd    string // the directory synthesis runs in
		edit  map[string]string
	}{
		{
			name: "replace directive to a directory",
			files: map[string]string{
				"svc/go.mod":  "module example.com/svc\n\ngo 1.25\n\nrequire example.com/lib v0.0.0\n\nreplace example.com/lib => ../lib\n",
				"svc/main.go": main,
				"lib/go.mod":  "module example.com/lib\n\ngo 1.25\n",
				"lib/lib.go":  lib,
			},
			wd:   "svc",
			edit: map[string]string{"lib/lib.go": edited},
		},
		{
			name: "go.mod of a replacement",
			files: map[string]string{
				"svc/go.mod":  "module example.com/svc\n\ngo 1.25\n\nrequire example.com/lib v0.0.0\n\nreplace example.com/lib => ../lib\n",
				"svc/main.go": main,
				"lib/go.mod":  "module example.com/lib\n\ngo 1.25\n",
				"lib/lib.go":  "package lib\n\nfunc Hello() string {\n\tvar fs []func() int\n\tfor i := 0; i < 2; i++ {\n\t\tfs = append(fs, func() int { return i })\n\t}\n\treturn string(rune('0' + fs[0]()))\n}\n",
			},
			wd: "svc",
			// Before Go 1.22 a loop variable is shared by iterations: the
			// language version of the replacement changes the program.
			edit: map[string]string{"lib/go.mod": "module example.com/lib\n\ngo 1.21\n"},
		},
		{
			name: "workspace module",
			files: map[string]string{
				"go.work":     "go 1.25\n\nuse (\n\t./svc\n\t./lib\n)\n",
				"svc/go.mod":  "module example.com/svc\n\ngo 1.25\n",
				"svc/main.go": main,
				"lib/go.mod":  "module example.com/lib\n\ngo 1.25\n",
				"lib/lib.go":  lib,
			},
			wd:   "svc",
			edit: map[string]string{"lib/lib.go": edited},
		},
		{
			name: "go.work",
			files: map[string]string{
				"go.work":     "go 1.25\n\nuse (\n\t./svc\n\t./lib\n)\n",
				"svc/go.mod":  "module example.com/svc\n\ngo 1.25\n",
				"svc/main.go": main,
				"lib/go.mod":  "module example.com/lib\n\ngo 1.25\n",
				"lib/lib.go":  lib,
				"lib2/go.mod": "module example.com/lib\n\ngo 1.25\n",
				"lib2/lib.go": edited,
			},
			wd:   "svc",
			edit: map[string]string{"go.work": "go 1.25\n\nuse (\n\t./svc\n\t./lib2\n)\n"},
		},
		{
			name: "build tags from GOFLAGS",
			files: map[string]string{
				"svc/go.mod":   "module example.com/svc\n\ngo 1.25\n",
				"svc/main.go":  "package main\n\nvar greeting = \"hello\"\n\nfunc main() { println(greeting) }\n",
				"svc/extra.go": "//go:build extra\n\npackage main\n\nfunc init() { greeting = \"extra\" }\n",
			},
			wd: "svc",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			freshBuildCache(t)
			root := t.TempDir()
			writeFiles(t, root, tc.files)
			t.Chdir(filepath.Join(root, tc.wd))
			before, binBefore := buildOK(t, ".", "arm64")
			if tc.edit != nil {
				writeFiles(t, root, tc.edit)
			} else {
				t.Setenv("GOFLAGS", "-tags=extra")
			}
			after, binAfter := buildOK(t, ".", "arm64")
			if after.hash == before.hash {
				t.Error("the hash did not change")
			}
			if bytes.Equal(binAfter, binBefore) {
				t.Error("the binary did not change")
			}
		})
	}
}

// TestConcurrentBuilds builds two packages many times at once, from
// goroutines and from other processes, into one fresh cache: every build
// succeeds, each package gets one asset directory holding only its
// bootstrap, and a process with a cache of its own builds the same bytes.
func TestConcurrentBuilds(t *testing.T) {
	cache := freshBuildCache(t)
	dir := writeModule(t)
	writeFiles(t, dir, map[string]string{"cmd/other/main.go": "package main\n\nfunc main() { println(\"other\") }\n"})
	t.Chdir(dir)
	pkgs := []string{"./cmd/fn", "./cmd/other"}

	type result struct {
		pkg, dir, hash string
		err            error
	}
	results := make(chan result, 32)
	var wg sync.WaitGroup
	for i := range 8 {
		pkg := pkgs[i%2]
		wg.Go(func() {
			b, err := build(pkg, "arm64")
			if err != nil {
				results <- result{pkg: pkg, err: err}
				return
			}
			results <- result{pkg: pkg, dir: b.dir, hash: b.hash}
		})
	}
	child := func(pkg string, env ...string) {
		wg.Go(func() {
			cmd := exec.Command(os.Args[0], "-test.run=^TestBuildInChild$", "-test.count=1")
			cmd.Env = append(os.Environ(), append(env, "GOFUNCTION_TEST_BUILD="+pkg)...)
			out, err := cmd.CombinedOutput()
			r := result{pkg: pkg, err: err}
			if err == nil {
				_, line, ok := strings.Cut(string(out), "built ")
				line, _, _ = strings.Cut(line, "\n")
				if r.dir, r.hash, ok = strings.Cut(line, " "); !ok {
					r.err = fmt.Errorf("unexpected output:\n%s", out)
				}
			} else {
				r.err = fmt.Errorf("%v\n%s", err, out)
			}
			results <- r
		})
	}
	for _, pkg := range pkgs {
		child(pkg)
	}
	own := t.TempDir()
	child("./cmd/fn", "XDG_CACHE_HOME="+own)
	wg.Wait()
	close(results)

	dirs := map[string]map[string]bool{}
	hashes := map[string]map[string]bool{}
	for r := range results {
		if r.err != nil {
			t.Errorf("build of %s: %v", r.pkg, r.err)
			continue
		}
		if dirs[r.pkg] == nil {
			dirs[r.pkg], hashes[r.pkg] = map[string]bool{}, map[string]bool{}
		}
		dirs[r.pkg][r.dir] = true
		hashes[r.pkg][r.hash] = true
	}
	for _, pkg := range pkgs {
		if len(hashes[pkg]) != 1 {
			t.Errorf("%s: hashes %v, want one", pkg, hashes[pkg])
		}
	}
	// One asset directory per package in the shared cache, plus the one of
	// the process with its own cache; nothing else left behind.
	if len(dirs["./cmd/fn"]) != 2 || len(dirs["./cmd/other"]) != 1 {
		t.Errorf("asset directories %v", dirs)
	}
	var bins [][]byte
	for d := range dirs["./cmd/fn"] {
		b, err := os.ReadFile(filepath.Join(d, "bootstrap"))
		if err != nil {
			t.Fatal(err)
		}
		bins = append(bins, b)
	}
	if len(bins) == 2 && !bytes.Equal(bins[0], bins[1]) {
		t.Error("two caches hold different binaries for the same sources")
	}
	versions, _ := os.ReadDir(cache)
	for _, v := range versions {
		entries, _ := os.ReadDir(filepath.Join(cache, v.Name()))
		if len(entries) != 2 {
			t.Errorf("the cache holds %d entries, want the 2 asset directories", len(entries))
		}
		for _, e := range entries {
			files, _ := os.ReadDir(filepath.Join(cache, v.Name(), e.Name()))
			if len(files) != 1 || files[0].Name() != "bootstrap" {
				t.Errorf("%s holds %v, want only bootstrap", e.Name(), files)
			}
		}
	}
}

// TestBuildInChild is TestConcurrentBuilds's other process.
func TestBuildInChild(t *testing.T) {
	pkg := os.Getenv("GOFUNCTION_TEST_BUILD")
	if pkg == "" {
		t.Skip("run by TestConcurrentBuilds")
	}
	b, err := build(pkg, "arm64")
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("built %s %s\n", b.dir, b.hash)
}

// TestBuildSourcesChange edits a source between the asset hash and go
// build: the binary of the edited sources must not be cached under the
// hash of the sources before the edit, where every later build of those
// sources would find it.
func TestBuildSourcesChange(t *testing.T) {
	cache := freshBuildCache(t)
	dir := writeModule(t)
	t.Chdir(dir)
	greet := func(s string) {
		writeFiles(t, dir, map[string]string{"greet/greet.go": "package greet\n\nfunc Hello() string { return \"" + s + "\" }\n"})
	}
	greet("greeting-before")
	old := resolveIn(t, "./cmd/fn", "arm64").hash

	edits := 0
	beforeGoBuild = func() {
		if edits == 0 {
			greet("greeting-edited")
		}
		edits++
	}
	t.Cleanup(func() { beforeGoBuild = nil })
	b, bin := buildOK(t, "./cmd/fn", "arm64")
	if !bytes.Contains(bin, []byte("greeting-edited")) {
		t.Error("the binary is not of the edited sources")
	}
	if b.hash == old {
		t.Error("the binary of the edited sources has the hash of the sources before the edit")
	}
	filepath.WalkDir(cache, func(path string, d os.DirEntry, err error) error {
		if err == nil && filepath.Base(filepath.Dir(path)) == old {
			if data, _ := os.ReadFile(path); bytes.Contains(data, []byte("greeting-edited")) {
				t.Errorf("%s holds a binary of the edited sources", path)
			}
		}
		return nil
	})
	// Reverting the edit builds the original sources.
	beforeGoBuild = nil
	greet("greeting-before")
	if _, bin := buildOK(t, "./cmd/fn", "arm64"); !bytes.Contains(bin, []byte("greeting-before")) {
		t.Error("after the edit is reverted, the build deploys the edited code")
	}

	// A file added to a package is a change too.
	greet("greeting-for-add")
	beforeGoBuild = func() {
		beforeGoBuild = nil
		writeFiles(t, dir, map[string]string{"greet/added.go": "package greet\n\nfunc init() { println(\"greeting-added\") }\n"})
	}
	if b, bin := buildOK(t, "./cmd/fn", "arm64"); !bytes.Contains(bin, []byte("greeting-added")) || b.hash == old {
		t.Errorf("a file added during the build: hash changed %v, binary has it %v", b.hash != old, bytes.Contains(bin, []byte("greeting-added")))
	}
	if _, bin := buildOK(t, "./cmd/fn", "arm64"); !bytes.Contains(bin, []byte("greeting-added")) {
		t.Error("the build after an added file does not have it")
	}
	os.Remove(filepath.Join(dir, "greet", "added.go"))
	if _, bin := buildOK(t, "./cmd/fn", "arm64"); bytes.Contains(bin, []byte("greeting-added")) {
		t.Error("after the added file is removed, the build still has it")
	}

	// Sources that change at every build fail it.
	greet("greeting-start")
	beforeGoBuild = func() {
		edits++
		greet(fmt.Sprintf("greeting-%d", edits))
	}
	_, err := build("./cmd/fn", "arm64")
	if err == nil || !strings.Contains(err.Error(), `Package "./cmd/fn"`) || !strings.Contains(err.Error(), "sources changed during the build; synthesize again") {
		t.Errorf("sources that keep changing: error %v", err)
	}
}
