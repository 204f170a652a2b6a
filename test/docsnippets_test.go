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

// snippet is a documentation code block that copies declarations of a Go
// file:
//
//	<!-- snippet: path/to/file_test.go funcA funcB -->
//	```go
//	...
//	```
var snippet = regexp.MustCompile("(?m)^<!-- snippet: (\\S+) ([^>]+) -->\n```go\n((?s:.*?))```\n")

// minSnippets is how many snippets a page must mark at least: the README's
// testing example, and the three levels and the contract check of
// docs/testing.md.
var minSnippets = map[string]int{
	"README.md":       1,
	"docs/testing.md": 4,
}

// TestDocSnippets checks that the marked snippets of README.md and
// docs/*.md are the declarations they name, doc comments included, so that
// the code the documentation shows is code the suite compiles and runs.
func TestDocSnippets(t *testing.T) {
	for _, page := range docPages(t) {
		src, err := os.ReadFile(filepath.Join("..", filepath.FromSlash(page)))
		if err != nil {
			t.Fatal(err)
		}
		found := snippet.FindAllSubmatch(src, -1)
		if len(found) < minSnippets[page] {
			t.Errorf("%s marks %d snippets, want at least %d", page, len(found), minSnippets[page])
		}
		for _, m := range found {
			file, names, got := string(m[1]), strings.Fields(string(m[2])), string(m[3])
			want, err := declarations(filepath.Join("..", file), names)
			if err != nil {
				t.Errorf("%s: snippet of %s: %v", page, file, err)
				continue
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s: the snippet of %s %v differs from the source (-source +%s):\n%s", page, file, names, page, diff)
			}
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
