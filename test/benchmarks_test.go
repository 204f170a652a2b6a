package test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestEveryBenchmarkRuns checks that make test runs every benchmark of
// the module once: a package whose test files declare a Benchmark
// function must also declare TestBenchmarksRunOnce, which runs them (see
// local's). The bench module is apart: make test runs its benchmarks
// with -bench.
func TestEveryBenchmarkRuns(t *testing.T) {
	benchmark := regexp.MustCompile(`(?m)^func Benchmark\w*\(`)
	runner := regexp.MustCompile(`(?m)^func TestBenchmarksRunOnce\(`)
	has, runs := map[string]bool{}, map[string]bool{}
	root := ".."
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != root && (notSource(d.Name()) || path == filepath.Join(root, "bench")) {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		dir := filepath.Dir(path)
		has[dir] = has[dir] || benchmark.Match(src)
		runs[dir] = runs[dir] || runner.Match(src)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !has[filepath.Join(root, "local")] {
		t.Errorf("no benchmark found in local: is the walk looking at the module?")
	}
	for dir := range has {
		if has[dir] && !runs[dir] {
			t.Errorf("%s has benchmarks but no TestBenchmarksRunOnce: make test would not run them", dir)
		}
	}
}
