// Package test synthesizes the reference stacks and sample configurations of
// the constructs, and checks the templates: golden snapshots, targeted
// assertions, determinism and invalid props.
package test

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"
	"github.com/google/go-cmp/cmp"

	"github.com/httpapi-cdk/httpapi/cdkapp"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/ with the synthesized templates")

func TestMain(m *testing.M) {
	if os.Getenv(synthOnceEnv) != "" { // TestCleanSynthesisLog runs this binary as a CDK app
		synthOnce()
		return
	}
	// aws-cdk-lib's built-in CloudFormation validation plugin adds 1-2 s and
	// 400 MB to every synthesis without changing the template; `make synth`
	// runs it, the tests do not.
	os.Setenv("CDK_VALIDATION", "false")
	os.Exit(cdkapp.Run(m.Run))
}

// cdkContext is the context of ../cdk.json (the feature flags `cdk init`
// writes), so that tests synthesize what `cdk synth` does.
func cdkContext() map[string]any {
	b, err := os.ReadFile(filepath.Join("..", "cdk.json"))
	if err != nil {
		panic(err)
	}
	var cfg struct {
		Context map[string]any `json:"context"`
	}
	if err := json.Unmarshal(b, &cfg); err != nil {
		panic(fmt.Sprintf("cdk.json: %v", err))
	}
	return cfg.Context
}

// newApp returns an App with cdk.json's context.
func newApp() awscdk.App {
	ctx := cdkContext()
	m := make(map[string]any, len(ctx))
	for k, v := range ctx {
		m[k] = v
	}
	return awscdk.NewApp(&awscdk.AppProps{Context: &m})
}

// newStack returns a stack in a new App with cdk.json's context.
func newStack() awscdk.Stack {
	return awscdk.NewStack(newApp(), jsii.String("Test"), nil)
}

// templateJSON returns the stack's template as indented JSON.
func templateJSON(t *testing.T, stack awscdk.Stack) []byte {
	t.Helper()
	b, err := indentedJSON(toJSON(stack))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// indentedJSON returns a template as templateJSON writes it.
func indentedJSON(tpl map[string]any) ([]byte, error) {
	b, err := json.MarshalIndent(tpl, "", "  ")
	return append(b, '\n'), err
}

// assetHash matches an asset's S3 object key: its hash and ".zip". Other
// 64-digit hex values, such as a SHA-256 a function is configured with,
// are not asset hashes and stay as they are.
var assetHash = regexp.MustCompile(`\b[0-9a-f]{64}\.zip\b`)

// normalize replaces asset hashes by a placeholder, so that a handler edit
// does not churn every golden file. Determinism of the real hashes is
// tested separately.
func normalize(b []byte) []byte {
	return assetHash.ReplaceAll(b, []byte("ASSET_HASH.zip"))
}

// checkGolden compares got with testdata/name, or rewrites it under -update.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run `go test ./test -update` to create it, then review it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s differs from the synthesized template (-want +got):\n%s\nIf the change is intended, run `go test ./test -update` and review the golden diff.", path, diff)
	}
}

// assert runs an assertions.Template check, turning its panic into a test
// failure that carries the CDK's message.
func assert(t *testing.T, check func()) {
	t.Helper()
	defer func() {
		if p := recover(); p != nil {
			t.Errorf("%v", p)
		}
	}()
	check()
}

// panicMessage runs f and returns the message it panicked with, or "".
func panicMessage(f func()) (msg string) {
	defer func() {
		if p := recover(); p != nil {
			msg = fmt.Sprint(p)
		}
	}()
	f()
	return ""
}

// resources returns the template's resources of the given type.
func resources(tpl map[string]any, typ string) map[string]map[string]any {
	out := map[string]map[string]any{}
	for id, r := range tpl["Resources"].(map[string]any) {
		r := r.(map[string]any)
		if r["Type"] == typ {
			out[id] = r
		}
	}
	return out
}

// props returns a resource's Properties.
func props(r map[string]any) map[string]any { return r["Properties"].(map[string]any) }

// joinText flattens a value that may be an Fn::Join into its literal parts,
// with tokens as "{Ref}", for readable comparisons of ARNs.
func joinText(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case map[string]any:
		if j, ok := v["Fn::Join"].([]any); ok {
			var b strings.Builder
			for _, part := range j[1].([]any) {
				b.WriteString(joinText(part))
			}
			return b.String()
		}
		if r, ok := v["Ref"]; ok {
			return fmt.Sprintf("{%v}", r)
		}
		b, _ := json.Marshal(v)
		return string(b)
	}
	return fmt.Sprint(v)
}

// toJSON returns the stack's template as a map.
func toJSON(stack awscdk.Stack) map[string]any {
	return *assertions.Template_FromStack(stack, nil).ToJSON()
}
