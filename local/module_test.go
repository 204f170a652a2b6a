package local

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/httpapi-cdk/httpapi/internal/localtest"
)

// moduleAssembly writes an app directory with a cloud assembly whose
// function records module and the module's directory relative to the app
// (omitted when empty) as gofunction does, and returns the assembly's
// directory.
func moduleAssembly(t *testing.T, module string, moduleDir func(app string) string) string {
	t.Helper()
	app := t.TempDir()
	tp := localtest.EchoStack("x")
	tp.GoModule = module
	if moduleDir != nil {
		tp.GoModuleDir = moduleDir(app)
	}
	localtest.WriteFiles(t, app, map[string]string{
		"cdk.out/manifest.json":       localtest.StackManifest("Stack"),
		"cdk.out/Stack.template.json": tp.JSON(),
	})
	return filepath.Join(app, "cdk.out")
}

// relativeTo returns a function giving dir relative to an app directory,
// as gofunction records it.
func relativeTo(t *testing.T, dir string) func(app string) string {
	return func(app string) string {
		rel, err := filepath.Rel(app, dir)
		if err != nil {
			t.Fatal(err)
		}
		return filepath.ToSlash(rel)
	}
}

// nowhere is a module directory that does not exist.
func nowhere(string) string { return "../nowhere" }

// startFrom loads the API from the assembly, or from its template alone,
// and starts it; it returns the server or the error.
func startFrom(t *testing.T, assembly string, templateOnly bool, log *localtest.Buffer) (*Server, error) {
	t.Helper()
	var apis []*API
	var err error
	if templateOnly {
		apis, err = LoadTemplate(filepath.Join(assembly, "Stack.template.json"), "Stack")
	} else {
		apis, err = LoadAssembly(assembly)
	}
	if err != nil {
		t.Fatal(err)
	}
	return New(context.Background(), apis[0], &Options{Log: log, AccessLog: log})
}

// From a directory outside the function's module, the emulator builds in
// the module synthesis recorded, found from the cloud assembly's place;
// when it cannot, it says what is missing and how to fix it, and never
// suggests go get.
func TestBuildFromAnotherDirectory(t *testing.T) {
	const module = "github.com/httpapi-cdk/httpapi"
	other := t.TempDir()
	localtest.WriteFiles(t, other, map[string]string{"go.mod": "module example.com/other\n\ngo 1.26\n"})

	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	good := moduleAssembly(t, module, relativeTo(t, root))
	missing := moduleAssembly(t, module, nowhere)
	mismatch := moduleAssembly(t, module, relativeTo(t, other))
	old := moduleAssembly(t, "", nil)

	t.Chdir(t.TempDir()) // in no module
	for _, tc := range []struct {
		name, assembly string
		templateOnly   bool
		err            []string // all in the error; "" for none
	}{
		{"recorded module, from the assembly", good, false, nil},
		{"recorded module, from the template", good, true, nil},
		{"module directory missing", missing, false, []string{"building Echo: package github.com/httpapi-cdk/httpapi/local/testdata/echofn is not in the module of the current directory",
			"synthesis recorded module " + module + " at ", "nowhere, which has no go.mod", "run the emulator from the directory of module " + module}},
		{"another module there", mismatch, false, []string{`but the go.mod there declares module "example.com/other"`}},
		{"nothing recorded", old, false, []string{"the template does not record the function's module (no httpapi:GoModule metadata", "run the emulator from the directory of the module that holds it"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			log := &localtest.Buffer{}
			srv, err := startFrom(t, tc.assembly, tc.templateOnly, log)
			if tc.err == nil {
				if err != nil {
					t.Fatal(err)
				}
				defer srv.Close()
				rec := httptest.NewRecorder()
				srv.ServeHTTP(rec, httptest.NewRequest("GET", "/echo", nil))
				if rec.Code != 200 || strings.Contains(log.String(), "current directory") {
					t.Errorf("GET /echo: %d %s; log %s", rec.Code, rec.Body, log)
				}
				return
			}
			if err == nil {
				srv.Close()
				t.Fatal("started")
			}
			for _, want := range tc.err {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error does not say %q:\n%v", want, err)
				}
			}
			if strings.Contains(err.Error(), "go get") {
				t.Errorf("error suggests go get:\n%v", err)
			}
		})
	}
}

// When the recorded module is not where synthesis saw it but the current
// directory is in a module that has the package, the emulator builds that,
// and says it may not be the code synthesis saw.
func TestBuildFallbackToCurrentDirectoryIsReported(t *testing.T) {
	log := &localtest.Buffer{}
	srv, err := startFrom(t, moduleAssembly(t, "github.com/httpapi-cdk/httpapi", nowhere), false, log)
	if err != nil {
		t.Fatal(err)
	}
	srv.Close()
	if !strings.Contains(log.String(), "local: Echo: built github.com/httpapi-cdk/httpapi/local/testdata/echofn from the current directory") ||
		!strings.Contains(log.String(), "which may hold other code than synthesis saw: synthesis recorded module github.com/httpapi-cdk/httpapi at") {
		t.Errorf("log: %s", log)
	}
}

func TestModulePath(t *testing.T) {
	for gomod, want := range map[string]string{
		"module example.com/a\n\ngo 1.26\n":                "example.com/a",
		"// comment\nmodule   example.com/b // trailing\n": "example.com/b",
		"module \"example.com/c\"\n":                       "example.com/c",
		"modules example.com/d\n":                          "",
		"go 1.26\n":                                        "",
	} {
		if got := modulePath([]byte(gomod)); got != want {
			t.Errorf("modulePath(%q) = %q, want %q", gomod, got, want)
		}
	}
}
