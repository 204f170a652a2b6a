// The edits of a Go function's files that must, or must not, change its build: one table for every package that decides.

// Package gosourcetest holds one table of edits to the files of a small Go
// app, each with whether it changes the build of the app's main package.
// The asset hash of the gofunction construct and the emulator's watcher in
// package local are both tested against it, so that an edit that changes
// what `cdk deploy` ships also rebuilds the emulator's function, and the
// reverse.
//
// It is for tests only, and imports nothing but the standard library.
package gosourcetest

import (
	"maps"
	"os"
	"path/filepath"
	"strings"
)

// Edit is one row of [Edits]: an app, where its build runs, and an edit.
type Edit struct {
	// Name says what is edited.
	Name string
	// Files is the app before the edit, by slash-separated path relative
	// to its root directory.
	Files map[string]string
	// Dir is the directory the build runs in, relative to the root: the
	// main module's.
	Dir string
	// Module is the path of the main module, as its go.mod declares it.
	Module string
	// Package is the main package, as the go command takes it in Dir.
	Package string
	// Edit holds the files to write over the app's, or to add to it. Every
	// edited file changes size, so that a change is seen whatever the
	// resolution of file modification times.
	Edit map[string]string
	// Changes says whether the edit changes the build: false for a file
	// the build does not read.
	Changes bool
}

const (
	mainSource = "package main\n\nimport (\n\t\"embed\"\n\n\t\"example.com/svc/greet\"\n)\n\n//go:embed static\nvar static embed.FS\n\nfunc main() { println(greet.Hello()); static.ReadFile(\"static/a.txt\") }\n"
	libMain    = "package main\n\nimport \"example.com/lib\"\n\nfunc main() { println(lib.Hello()) }\n"
	libSource  = "package lib\n\nfunc Hello() string { return \"hello\" }\n"
	libEdited  = "package lib\n\nfunc Hello() string { return \"edited\" }\n"
)

// module is an app of one module, example.com/svc in svc, whose main
// package imports a package of its own and embeds a directory.
var module = map[string]string{
	"svc/go.mod":              "module example.com/svc\n\ngo 1.22\n",
	"svc/go.sum":              "",
	"svc/main.go":             mainSource,
	"svc/greet/greet.go":      "package greet\n\nfunc Hello() string { return \"hello\" }\n",
	"svc/greet/greet_test.go": "package greet\n",
	"svc/static/a.txt":        "a\n",
	"svc/unused/unused.go":    "package unused\n",
}

// replaced is an app whose main module replaces example.com/lib with the
// directory lib.
var replaced = map[string]string{
	"svc/go.mod":  "module example.com/svc\n\ngo 1.22\n\nrequire example.com/lib v0.0.0\n\nreplace example.com/lib => ../lib\n",
	"svc/main.go": libMain,
	"lib/go.mod":  "module example.com/lib\n\ngo 1.22\n",
	"lib/go.sum":  "",
	"lib/lib.go":  libSource,
}

// workspace is an app of two modules in a workspace, svc and lib.
var workspace = map[string]string{
	"go.work":     "go 1.22\n\nuse (\n\t./svc\n\t./lib\n)\n",
	"svc/go.mod":  "module example.com/svc\n\ngo 1.22\n",
	"svc/main.go": libMain,
	"lib/go.mod":  "module example.com/lib\n\ngo 1.22\n",
	"lib/lib.go":  libSource,
}

// vendored is an app that requires example.com/lib v1.0.0 and vendors it:
// no module cache, no network.
var vendored = map[string]string{
	"svc/go.mod":                         "module example.com/svc\n\ngo 1.22\n\nrequire example.com/lib v1.0.0\n",
	"svc/main.go":                        libMain,
	"svc/vendor/modules.txt":             "# example.com/lib v1.0.0\n## explicit; go 1.22\nexample.com/lib\n",
	"svc/vendor/example.com/lib/lib.go":  libSource,
	"svc/vendor/example.com/lib/doc.txt": "doc\n",
}

// with returns files with more.
// embedding is module with its main package embedding pattern instead of
// "static", and a file in static/sub.
func embedding(pattern string) map[string]string {
	return with(module, map[string]string{
		"svc/main.go":          strings.Replace(mainSource, "//go:embed static\n", "//go:embed "+pattern+"\n", 1),
		"svc/static/sub/b.txt": "b\n",
	})
}

func with(files map[string]string, more map[string]string) map[string]string {
	all := maps.Clone(files)
	maps.Copy(all, more)
	return all
}

// Edits are the rows: each kind of file a build reads, and a few it does
// not.
var Edits = []Edit{
	{Name: "package source", Files: module, Edit: map[string]string{"svc/greet/greet.go": "package greet\n\nfunc Hello() string { return \"edited\" }\n"}, Changes: true},
	{Name: "new file in a package", Files: module, Edit: map[string]string{"svc/greet/more.go": "package greet\n\nvar More = 1\n"}, Changes: true},
	{Name: "main package source", Files: module, Edit: map[string]string{"svc/main.go": mainSource + "\nvar edited = 1\n"}, Changes: true},
	{Name: "embedded file", Files: module, Edit: map[string]string{"svc/static/a.txt": "edited\n"}, Changes: true},
	{Name: "new embedded file", Files: module, Edit: map[string]string{"svc/static/b.txt": "b\n"}, Changes: true},
	{Name: "go.mod", Files: module, Edit: map[string]string{"svc/go.mod": "module example.com/svc\n\ngo 1.22.0\n"}, Changes: true},
	{Name: "go.sum", Files: module, Edit: map[string]string{"svc/go.sum": "example.com/other v1.0.0/go.mod h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"}, Changes: true},
	{Name: "default.pgo added", Files: module, Edit: map[string]string{"svc/default.pgo": "profile\n"}, Changes: true},
	{Name: "default.pgo", Files: with(module, map[string]string{"svc/default.pgo": "profile\n"}), Edit: map[string]string{"svc/default.pgo": "profile edited\n"}, Changes: true},
	{Name: "go.work", Files: workspace, Edit: map[string]string{"go.work": "go 1.22.0\n\nuse (\n\t./svc\n\t./lib\n)\n"}, Changes: true},
	{Name: "go.work.sum added", Files: workspace, Edit: map[string]string{"go.work.sum": "example.com/other v1.0.0/go.mod h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"}, Changes: true},
	{Name: "workspace module's source", Files: workspace, Edit: map[string]string{"lib/lib.go": libEdited}, Changes: true},
	{Name: "directory replacement's source", Files: replaced, Edit: map[string]string{"lib/lib.go": libEdited}, Changes: true},
	{Name: "directory replacement's go.mod", Files: replaced, Edit: map[string]string{"lib/go.mod": "module example.com/lib\n\ngo 1.21.0\n"}, Changes: true},
	{Name: "vendored package's source", Files: vendored, Edit: map[string]string{"svc/vendor/example.com/lib/lib.go": libEdited}, Changes: true},
	{Name: "new file in a vendored package", Files: vendored, Edit: map[string]string{"svc/vendor/example.com/lib/more.go": "package lib\n\nvar More = 1\n"}, Changes: true},
	{Name: "new dot file matched by a wildcard embed", Files: embedding("static/*"), Edit: map[string]string{"svc/static/.well": "w\n"}, Changes: true},
	{Name: "new underscore file under an all: embed", Files: embedding("all:static"), Edit: map[string]string{"svc/static/sub/_draft": "d\n"}, Changes: true},
	{Name: "vendor/modules.txt", Files: vendored, Edit: map[string]string{"svc/vendor/modules.txt": "# example.com/lib v1.0.0\n## explicit; go 1.21.0\nexample.com/lib\n"}, Changes: true},

	{Name: "test file", Files: module, Edit: map[string]string{"svc/greet/greet_test.go": "package greet\n\n// edited\n"}},
	{Name: "package that is not imported", Files: module, Edit: map[string]string{"svc/unused/unused.go": "package unused\n\n// edited\n"}},
	{Name: "editor's swap file in an embedded directory", Files: module, Edit: map[string]string{"svc/static/.a.txt.swp": "swap\n"}},
	{Name: "underscore file in a subdirectory of a directory embed", Files: embedding("static"), Edit: map[string]string{"svc/static/sub/_draft": "d\n"}},
	{Name: "go.sum of a directory replacement", Files: replaced, Edit: map[string]string{"lib/go.sum": "example.com/other v1.0.0/go.mod h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"}},
	{Name: "file of a vendored module that no package holds", Files: vendored, Edit: map[string]string{"svc/vendor/example.com/lib/doc.txt": "doc edited\n"}},
}

func init() {
	for i := range Edits {
		e := &Edits[i]
		e.Dir, e.Module, e.Package = "svc", "example.com/svc", "."
		for name, body := range e.Edit {
			if old, ok := e.Files[name]; ok && len(old) == len(body) {
				panic("gosourcetest: " + e.Name + ": the edit of " + name + " keeps its size")
			}
		}
	}
}

// Write writes files (slash-separated path → content) under root.
func Write(root string, files map[string]string) error {
	for name, body := range files {
		if strings.HasPrefix(name, "/") {
			panic("gosourcetest: absolute path " + name)
		}
		path := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			return err
		}
	}
	return nil
}
