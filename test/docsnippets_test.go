package test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// snippet is a README code block that copies declarations of a Go file:
//
//	<!-- snippet: path/to/file_test.go funcA funcB -->
//	```go
//	...
//	```
var snippet = regexp.MustCompile("(?m)^<!-- snippet: (\\S+) ([^>]+) -->\n```go\n((?s:.*?))```\n")

// TestReadmeSnippets checks that the README's marked snippets are the
// declarations they name, doc comments included, so that the code the
// README shows is code the suite compiles and runs.
func TestReadmeSnippets(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	found := snippet.FindAllSubmatch(readme, -1)
	if len(found) < 3 {
		t.Fatalf("the README marks %d snippets, want the three levels of its Testing section", len(found))
	}
	for _, m := range found {
		file, names, got := string(m[1]), strings.Fields(string(m[2])), string(m[3])
		want, err := declarations(filepath.Join("..", file), names)
		if err != nil {
			t.Errorf("snippet of %s: %v", file, err)
			continue
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("the README's snippet of %s %v differs from the source (-source +README):\n%s", file, names, diff)
		}
	}
}

// declarations returns the source of the named top-level functions of a Go
// file, with their doc comments, separated by blank lines.
func declarations(path string, names []string) (string, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, src, parser.ParseComments)
	if err != nil {
		return "", err
	}
	var parts []string
	for _, name := range names {
		var decl *ast.FuncDecl
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Name.Name == name && fd.Recv == nil {
				decl = fd
			}
		}
		if decl == nil {
			return "", os.ErrNotExist
		}
		start := decl.Pos()
		if decl.Doc != nil {
			start = decl.Doc.Pos()
		}
		parts = append(parts, string(src[fset.Position(start).Offset:fset.Position(decl.End()).Offset]))
	}
	return strings.Join(parts, "\n\n") + "\n", nil
}
