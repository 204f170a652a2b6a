package main

import (
	"encoding/json"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/httpapi-cdk/httpapi/internal/localtest"
)

// stagesApp writes an app directory whose cdk.out holds the nested
// assemblies of CDK Stages Prod and Dev, each with a stack Api serving the
// echo function with the module metadata gofunction writes, and returns
// the cdk.out directory.
func stagesApp(t *testing.T) string {
	app := t.TempDir()
	rel, err := filepath.Rel(app, localtest.ModuleRoot(t))
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(app, "cdk.out")
	localtest.WriteStagesAssembly(t, out, func(stage string) string {
		tp := localtest.EchoStack(strings.ToLower(stage))
		tp.GoModule, tp.GoModuleDir = "github.com/httpapi-cdk/httpapi", filepath.ToSlash(rel)
		return tp.JSON()
	})
	return out
}

// The command serves either stage of an app with CDK Stages, run from a
// directory outside the function's module; an unknown stack lists the
// stacks there are.
func TestStagesFromAnywhere(t *testing.T) {
	t.Parallel() // each emulator has a port of its own

	bin := binary // built once by TestMain
	cdkOut := stagesApp(t)
	elsewhere := t.TempDir()

	cmd := exec.Command(bin, "-cdk-out", cdkOut, "-stack", "Api")
	cmd.Dir = elsewhere
	out, err := cmd.CombinedOutput()
	if want := `local: no HTTP API in stack "Api"; the stacks with one are: Dev/Api, Prod/Api`; err == nil || !strings.Contains(string(out), want) {
		t.Errorf("-stack Api: %v\n%s\nwant %s", err, out, want)
	}

	for _, stage := range []string{"Prod", "Dev"} {
		t.Run(stage, func(t *testing.T) {
			t.Parallel()
			stderr := startEmulator(t, elsewhere, nil, "-cdk-out", cdkOut, "-stack", stage+"/Api", "-port", "0", "-pin=false")
			defer func() { t.Logf("output:\n%s", stderr) }()
			addr := waitOutput(t, stderr, 2*time.Minute, listening)[1]
			status, body := localtest.Get(t, "http://"+addr+"/echo")
			var ev struct {
				StageVariables map[string]string `json:"stageVariables"`
			}
			if err := json.Unmarshal([]byte(body), &ev); err != nil || status != 200 {
				t.Fatalf("GET /echo: %d %v", status, err)
			}
			if want := strings.ToLower(stage); ev.StageVariables["env"] != want {
				t.Errorf("stage variable env %q, want %q", ev.StageVariables["env"], want)
			}
		})
	}
}
