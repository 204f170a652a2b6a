package local

import (
	"context"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/httpapi-cdk/httpapi/internal/localtest"
)

// Stacks inside CDK Stages are read from their nested assemblies, named
// by their stage-qualified name, and each can be selected and served.
func TestStagesAssembly(t *testing.T) {
	dir := t.TempDir()
	localtest.WriteStagesAssembly(t, dir, func(stage string) string { return localtest.EchoStack(strings.ToLower(stage)).JSON() })
	apis, err := LoadAssembly(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, a := range apis {
		names = append(names, a.Stack+" "+a.Region)
	}
	if got := strings.Join(names, ", "); got != "Dev/Api us-east-1, Prod/Api eu-west-1" {
		t.Errorf("stacks with HTTP APIs: %s", got)
	}
	if _, err := Select(apis, "", ""); err == nil || !strings.Contains(err.Error(), "-stack Dev/Api -api Api (Api), -stack Prod/Api -api Api (Api)") {
		t.Errorf("no stack named: %v", err)
	}
	_, err = Select(apis, "Api", "")
	if !errors.Is(err, errNoAPI) || !strings.Contains(err.Error(), `stack "Api"; the stacks with one are: Dev/Api, Prod/Api`) {
		t.Errorf("unknown stack: %v", err)
	}
	_, err = Select(apis, "Prod/Api", "Other")
	if !errors.Is(err, errNoAPI) || !strings.Contains(err.Error(), `"Other" in stack "Prod/Api"; choose one of: -stack Prod/Api -api Api (Api)`) {
		t.Errorf("unknown API: %v", err)
	}
	for _, stage := range []string{"Prod", "Dev"} {
		api, err := Select(apis, stage+"/Api", "")
		if err != nil {
			t.Fatal(err)
		}
		srv, err := New(context.Background(), api, &Options{Log: testWriter{t}, AccessLog: testWriter{t}})
		if err != nil {
			t.Fatal(err)
		}
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, httptest.NewRequest("GET", "/echo", nil))
		srv.Close()
		var ev map[string]any
		json.Unmarshal(rec.Body.Bytes(), &ev)
		if want := strings.ToLower(stage); rec.Code != 200 || get(ev, "stageVariables.env") != want {
			t.Errorf("%s/Api: %d, stage variable env %v, want %s", stage, rec.Code, get(ev, "stageVariables.env"), want)
		}
	}
}

// A manifest that names its own directory, or one outside it, as a nested
// assembly is refused, not followed.
func TestNestedAssemblyOutsideRefused(t *testing.T) {
	for _, d := range []string{".", "a/..", "../elsewhere", "/tmp"} {
		dir := t.TempDir()
		localtest.WriteFiles(t, dir, map[string]string{"manifest.json": `{"artifacts": {"assembly-X": {"type": "cdk:cloud-assembly",
  "properties": {"directoryName": "` + d + `", "displayName": "X"}}}}`})
		if _, err := LoadAssembly(dir); err == nil || !strings.Contains(err.Error(), "is not a subdirectory") {
			t.Errorf("directoryName %q: %v", d, err)
		}
	}
}

// A Stage's nested assembly loaded on its own has the app of the
// outermost assembly: the module directory a template records is found
// from the same place whichever assembly the emulator is given.
func TestNestedAssemblyHasTheOutermostApp(t *testing.T) {
	app := t.TempDir()
	out := filepath.Join(app, "cdk.out")
	localtest.WriteStagesAssembly(t, out, func(stage string) string {
		tp := localtest.EchoStack(strings.ToLower(stage))
		tp.GoModule, tp.GoModuleDir = "example.com/app", "."
		return tp.JSON()
	})
	for _, dir := range []string{out, filepath.Join(out, "assembly-Prod")} {
		apis, err := LoadAssembly(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range apis {
			for id, fn := range a.Functions {
				if fn.ModuleDir != app {
					t.Errorf("LoadAssembly(%s): %s %s: module directory %q, want %q", dir, a.Stack, id, fn.ModuleDir, app)
				}
			}
		}
	}
}
