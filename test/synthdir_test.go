package test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/httpapi-cdk/httpapi/internal/assemblymeta"
	"github.com/httpapi-cdk/httpapi/local"
	"github.com/httpapi-cdk/httpapi/stacks"
)

// TestSynthesisIntoAnotherDirectory synthesizes the reference stack into a
// directory outside the app (as `cdk synth -o /elsewhere` does) and loads
// the assembly as the emulator does: the function's module is found at the
// module's root, not next to the output directory.
func TestSynthesisIntoAnotherDirectory(t *testing.T) {
	out := filepath.Join(t.TempDir(), "build", "cdk.out")
	ctx := cdkContext()
	app := awscdk.NewApp(&awscdk.AppProps{Context: &ctx, Outdir: jsii.String(out)})
	stacks.NewReference(app, "Elsewhere", nil)
	app.Synth(nil)

	// Synthesis runs in test/, the app's directory here; the module's root is above it.
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	root := filepath.Dir(wd)
	if got, err := assemblymeta.AppDir(out); err != nil || got != wd {
		t.Fatalf("the assembly records the app's directory %q (%v), want %q", got, err, wd)
	}
	apis, err := local.LoadAssembly(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(apis) == 0 {
		t.Fatal("no API in the assembly")
	}
	for _, api := range apis {
		for id, fn := range api.Functions {
			if fn.ModuleDir != root {
				t.Errorf("function %s: module directory %q, want %q", id, fn.ModuleDir, root)
			}
			if _, err := os.Stat(filepath.Join(fn.ModuleDir, "go.mod")); err != nil {
				t.Errorf("function %s: %v", id, err)
			}
		}
	}
}
