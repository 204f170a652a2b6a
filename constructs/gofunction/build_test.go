package gofunction

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// writeModule writes a small module with a main package that imports a
// package of its own, and returns its directory.
func writeModule(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"go.mod":              "module example.com/svc\n\ngo 1.25\n",
		"cmd/fn/main.go":      "package main\n\nimport \"example.com/svc/greet\"\n\nfunc main() { println(greet.Hello()) }\n",
		"greet/greet.go":      "package greet\n\nfunc Hello() string { return \"hello\" }\n",
		"greet/greet_test.go": "package greet\n",
		"unused/unused.go":    "package unused\n",
	}
	for name, body := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func buildIn(t *testing.T, dir, pkg, arch string) *built {
	t.Helper()
	wd, _ := os.Getwd()
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	defer os.Chdir(wd)
	b, err := build(pkg, arch)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestAssetHash(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	dir := writeModule(t)
	first := buildIn(t, dir, "./cmd/fn", "arm64")
	if first.importPath != "example.com/svc/cmd/fn" {
		t.Errorf("importPath = %q", first.importPath)
	}
	if out, err := exec.Command("file", filepath.Join(first.dir, "bootstrap")).Output(); err == nil && !strings.Contains(string(out), "ARM aarch64") {
		t.Errorf("bootstrap is not an arm64 binary: %s", out)
	}
	if again := buildIn(t, dir, "example.com/svc/cmd/fn", "arm64"); again.hash != first.hash {
		t.Error("the same sources named by import path give another hash")
	}
	if amd := buildIn(t, dir, "./cmd/fn", "amd64"); amd.hash == first.hash {
		t.Error("amd64 and arm64 builds share a hash")
	}

	// Files the build does not read do not change the hash.
	os.WriteFile(filepath.Join(dir, "greet/greet_test.go"), []byte("package greet\n\n// changed\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "unused/unused.go"), []byte("package unused\n\n// changed\n"), 0o644)
	if h := buildIn(t, dir, "./cmd/fn", "arm64").hash; h != first.hash {
		t.Error("editing a test file or an unimported package changed the hash")
	}
	// Another toolchain configuration does not change the hash.
	t.Setenv("GOFLAGS", "-mod=mod")
	t.Setenv("GOCACHE", t.TempDir())
	if h := buildIn(t, dir, "./cmd/fn", "arm64").hash; h != first.hash {
		t.Error("GOFLAGS or a fresh GOCACHE changed the hash")
	}
	// A source of an imported package of the module does.
	os.WriteFile(filepath.Join(dir, "greet/greet.go"), []byte("package greet\n\nfunc Hello() string { return \"hi\" }\n"), 0o644)
	if h := buildIn(t, dir, "./cmd/fn", "arm64").hash; h == first.hash {
		t.Error("editing an imported package did not change the hash")
	}
	// So does go.mod.
	os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/svc\n\ngo 1.24\n"), 0o644)
	if h := buildIn(t, dir, "./cmd/fn", "arm64").hash; h == first.hash {
		t.Error("editing go.mod did not change the hash")
	}
}
