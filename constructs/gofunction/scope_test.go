package gofunction

import (
	"path/filepath"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// TestScopeFacts: each scope's own facts, two stacks of one app apart,
// and what rememberFacts kept for a scope is what its later functions
// get.
func TestScopeFacts(t *testing.T) {
	staged, unstaged := t.TempDir(), t.TempDir()
	app := awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(staged)})
	a := awscdk.NewStack(app, jsii.String("A"), nil)
	off := awscdk.NewStack(app, jsii.String("Off"), nil)
	off.Node().SetContext(jsii.String(stagingDisabledContext), true)
	b := awscdk.NewStack(awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(unstaged), Context: &map[string]any{stagingDisabledContext: true}}), jsii.String("B"), nil)
	nested := awscdk.NewStack(awscdk.NewStage(a, jsii.String("Nested"), nil), jsii.String("C"), nil)
	check := func(scope constructs.Construct, want scopeFacts) {
		t.Helper()
		got := factsOf(scope)
		got.rootOutdir, _ = filepath.EvalSymlinks(got.rootOutdir)
		want.rootOutdir, _ = filepath.EvalSymlinks(want.rootOutdir)
		if got != want {
			t.Errorf("factsOf(%s) = %+v, want %+v", *scope.Node().Path(), got, want)
		}
	}
	check(a, scopeFacts{rootOutdir: staged})
	check(off, scopeFacts{stagingDisabled: true, rootOutdir: staged})
	check(b, scopeFacts{stagingDisabled: true, rootOutdir: unstaged})
	check(nested, scopeFacts{rootOutdir: staged})

	kept := scopeFacts{stagingDisabled: true, rootOutdir: t.TempDir()}
	rememberFacts(a, kept)
	check(a, kept)
	check(off, scopeFacts{stagingDisabled: true, rootOutdir: staged})
}
