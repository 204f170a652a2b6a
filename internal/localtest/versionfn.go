// The version function: a test module whose handler answers with its version, for watch and reload tests.

package localtest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// VersionModule is the module path, and the package, of versionfn: the
// function the -watch tests edit (local/testdata/versionfn), copied into
// a module of its own.
const VersionModule = "example.com/versionfn"

// VersionGoMod is the go.mod of versionfn's module.
const VersionGoMod = "module " + VersionModule + "\n\ngo 1.22\n"

// VersionStack is a Template whose routes invoke the function Fn, built
// from the module VersionModule in the app's directory fn (see
// WriteVersionApp).
func VersionStack(routes ...string) Template {
	return Template{Function: "Fn", GoPackage: VersionModule, GoModule: VersionModule, GoModuleDir: "fn", Routes: routes}
}

// VersionSource is versionfn's source, answering version.
func VersionSource(t testing.TB, version string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(ModuleRoot(t), "local", "testdata", "versionfn", "main.go"))
	if err != nil {
		t.Fatal(err)
	}
	return strings.Replace(string(b), `const version = "v1"`, `const version = "`+version+`"`, 1)
}

// WriteVersionApp writes an app directory into app: versionfn answering
// v1 in a module of its own in fn, and in cdk.out a cloud assembly with
// the one stack Api, whose template is template.
func WriteVersionApp(t testing.TB, app, template string) {
	t.Helper()
	WriteFiles(t, app, map[string]string{
		"fn/go.mod":                 VersionGoMod,
		"fn/main.go":                VersionSource(t, "v1"),
		"cdk.out/manifest.json":     StackManifest("Api"),
		"cdk.out/Api.template.json": template,
	})
}
