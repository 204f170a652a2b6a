// How a caller lists what a build depends on, from go list's output.

package gosource_test

import (
	"fmt"

	"github.com/httpapi-cdk/httpapi/internal/gosource"
)

// The output of go list -deps for a main package that imports a package of
// the module cache; a caller gets it by running the go command with
// gosource.ListArgs, and env from go env -json.
func Example() {
	out := []byte(`{
	"ImportPath": "example.com/svc/cmd/fn", "Name": "main", "Dir": "/src/svc/cmd/fn",
	"GoFiles": ["main.go"],
	"Module": {"Path": "example.com/svc", "Main": true, "Dir": "/src/svc", "GoMod": "/src/svc/go.mod"}
}
{
	"ImportPath": "example.com/dep", "Name": "dep", "Dir": "/cache/mod/example.com/dep@v1.2.0", "DepOnly": true,
	"GoFiles": ["dep.go"],
	"Module": {"Path": "example.com/dep", "Version": "v1.2.0", "Dir": "/cache/mod/example.com/dep@v1.2.0"}
}
{"ImportPath": "fmt", "Name": "fmt", "Dir": "/goroot/src/fmt", "Standard": true, "DepOnly": true, "GoFiles": ["print.go"]}
`)
	pkgs, err := gosource.Decode(out)
	if err != nil {
		panic(err)
	}
	src, err := gosource.List(pkgs, gosource.Env{GOMODCACHE: "/cache/mod", GOWORK: "off"}, "/src/svc")
	if err != nil {
		panic(err)
	}
	fmt.Println("modules:", src.Modules)
	for _, f := range src.Files {
		fmt.Printf("file: %s (optional %v)\n", f.Name, f.Optional)
	}
	for _, d := range src.Dirs {
		fmt.Printf("dir: %s (a new .go file counts: %v)\n", d.Path, d.Counts("new.go", false))
	}
	// Output:
	// modules: [example.com/dep v1.2.0]
	// file: example.com/svc/cmd/fn/main.go (optional false)
	// file: go.mod of example.com/svc (optional false)
	// file: go.sum of example.com/svc (optional true)
	// file: vendor/modules.txt (optional true)
	// file: default.pgo of example.com/svc/cmd/fn (optional true)
	// dir: /src/svc/cmd/fn (a new .go file counts: true)
}
