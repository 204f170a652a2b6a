package test

import (
	"bytes"
	"fmt"
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

// raceText is what jsii-runtime-go prints when its two waits for node race.
const raceText = "Runtime process exited abnormally: waitid: no child processes"

// synthOnce is the CDK app TestCleanSynthesisLog runs: cdkapp.Main with
// one small stack, synthesized into CDK_OUTDIR. While defining it, the
// app also prints the runtime's race text itself, glued onto a line that
// must come through, as the runtime's goroutine would print it.
func synthOnce() {
	os.Setenv("CDK_VALIDATION", "false")
	cdkapp.Main(func(app awscdk.App) {
		awscdk.NewStack(app, jsii.String("Tiny"), nil)
		fmt.Fprint(os.Stderr, raceText+"the app's own line\n")
	})
}

// TestCleanSynthesisLog synthesizes an app through cdkapp.Main, as
// separate processes, and finds no "Runtime process exited abnormally" on
// standard error, but the app's own line: each run prints the text itself
// (so that the check does not depend on the race), and jsii-runtime-go
// prints it in about a third of the runs of an app that calls jsii.Close
// itself.
func TestCleanSynthesisLog(t *testing.T) {
	t.Parallel()
	const runs = 2
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
			if strings.Contains(stderr.String(), "exited abnormally") || !strings.Contains(stderr.String(), "the app's own line\n") {
				t.Errorf("run %d: standard error %q, want the app's own line and no runtime race", i, stderr.String())
			}
			if _, err := os.Stat(filepath.Join(out, "Tiny.template.json")); err != nil {
				t.Errorf("run %d synthesized nothing: %v", i, err)
			}
		}()
	}
	wg.Wait()
}
