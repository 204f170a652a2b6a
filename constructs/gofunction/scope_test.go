package gofunction

import (
	"path/filepath"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// TestScopeFacts: each scope's own facts, the same when read again.
func TestScopeFacts(t *testing.T) {
	staged, unstaged := t.TempDir(), t.TempDir()
	a := awscdk.NewStack(awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(staged)}), jsii.String("A"), nil)
	b := awscdk.NewStack(awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(unstaged), Context: &map[string]any{stagingDisabledContext: true}}), jsii.String("B"), nil)
	nested := awscdk.NewStack(awscdk.NewStage(a, jsii.String("Nested"), nil), jsii.String("C"), nil)
	for _, c := range []struct {
		scope constructs.Construct
		want  scopeFacts
	}{
		{a, scopeFacts{rootOutdir: staged}},
		{b, scopeFacts{stagingDisabled: true, rootOutdir: unstaged}},
		{nested, scopeFacts{rootOutdir: staged}},
		{a, scopeFacts{rootOutdir: staged}},
	} {
		got := factsOf(c.scope)
		got.rootOutdir, _ = filepath.EvalSymlinks(got.rootOutdir)
		c.want.rootOutdir, _ = filepath.EvalSymlinks(c.want.rootOutdir)
		if got != c.want {
			t.Errorf("factsOf(%s) = %+v, want %+v", *c.scope.Node().Path(), got, c.want)
		}
	}
}
