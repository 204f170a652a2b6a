package local

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestBenchmarksRunOnce runs every benchmark of this package for one
// iteration, in a process of its own (this test binary, with -test.bench),
// so that none can rot while `make bench-local` is not run: each must
// report a figure. Running them here rather than in a go test -bench of
// their own spares make test another build of this test binary.
func TestBenchmarksRunOnce(t *testing.T) {
	names := declaredBenchmarks(t)
	if len(names) == 0 {
		t.Fatal("no benchmark found in this package's test files")
	}
	t.Parallel()
	cmd := exec.Command(os.Args[0], "-test.run=^$", "-test.bench=.", "-test.benchtime=1x")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the benchmarks, once: %v\n%s", err, out)
	}
	for _, name := range names {
		// A benchmark, or each of its sub-benchmarks, prints one line of
		// figures: its name (with a -GOMAXPROCS suffix), the iterations,
		// and at least one figure (ns/op, or its own metrics).
		ran := regexp.MustCompile(`(?m)^` + name + `(/\S+)?(-\d+)?\s+1\s+\d+(\.\d+)? \S+`)
		if !ran.Match(out) {
			t.Errorf("%s reported no figure:\n%s", name, out)
		}
	}
}

// declaredBenchmarks returns the names of the Benchmark functions of this
// package's test files.
func declaredBenchmarks(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("*_test.go")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	fset := token.NewFileSet()
	for _, file := range files {
		f, err := parser.ParseFile(fset, file, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			if fn, ok := d.(*ast.FuncDecl); ok && fn.Recv == nil && strings.HasPrefix(fn.Name.Name, "Benchmark") {
				names = append(names, fn.Name.Name)
			}
		}
	}
	return names
}
