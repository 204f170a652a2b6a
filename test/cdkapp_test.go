package test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/httpapi-cdk/httpapi/cdkapp"
)

// synthOnceEnv, when set, makes this test binary a CDK app (see TestMain).
const synthOnceEnv = "HTTPAPI_TEST_SYNTH_ONCE"

// synthOnce is the CDK app TestCleanSynthesisLog runs: cdkapp.Main with
// one small stack, synthesized into CDK_OUTDIR.
func synthOnce() {
	os.Setenv("CDK_VALIDATION", "false")
	cdkapp.Main(func(app awscdk.App) {
		awscdk.NewStack(app, jsii.String("Tiny"), nil)
	})
}

// TestCleanSynthesisLog synthesizes an app through cdkapp.Main repeatedly,
// as separate processes, and finds no "Runtime process exited abnormally"
// on standard error: jsii-runtime-go prints it in about half of the runs
// of an app that calls jsii.Close itself.
func TestCleanSynthesisLog(t *testing.T) {
	t.Parallel()
	const runs = 6
	var wg sync.WaitGroup
	sem := make(chan struct{}, 2)
	for i := range runs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			out := t.TempDir()
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), synthOnceEnv+"=1", "CDK_OUTDIR="+out)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Run(); err != nil {
				t.Errorf("run %d: %v\n%s", i, err, stderr.String())
				return
			}
			if strings.Contains(stderr.String(), "exited abnormally") {
				t.Errorf("run %d printed the runtime's race: %q", i, stderr.String())
			}
			if _, err := os.Stat(filepath.Join(out, "Tiny.template.json")); err != nil {
				t.Errorf("run %d synthesized nothing: %v", i, err)
			}
		}()
	}
	wg.Wait()
}
