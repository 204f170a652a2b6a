package test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestImportableByStrangers builds and runs testdata/consumer, a module of
// its own that imports only constructs/httpapi, constructs/gofunction and
// the handler toolkit (through a replace directive), and checks the stack it
// synthesizes. It catches accidental coupling to this repository's stacks,
// paths or internals.
func TestImportableByStrangers(t *testing.T) {
	out := t.TempDir()
	cmd := exec.Command("go", "run", ".")
	cmd.Dir = filepath.Join("testdata", "consumer")
	cmd.Env = append(os.Environ(), "CDK_OUTDIR="+out, "CDK_VALIDATION=false")
	var output bytes.Buffer
	cmd.Stdout, cmd.Stderr = &output, &output
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Parallel() // the consumer app runs while the other tests do
	if err := cmd.Wait(); err != nil {
		t.Fatalf("the consumer app failed: %v\n%s", err, output.Bytes())
	}
	b, err := os.ReadFile(filepath.Join(out, "ConsumerStack.template.json"))
	if err != nil {
		t.Fatal(err)
	}
	var tpl map[string]any
	if err := json.Unmarshal(b, &tpl); err != nil {
		t.Fatal(err)
	}
	var routes, arns []string
	for _, r := range resources(tpl, "AWS::ApiGatewayV2::Route") {
		routes = append(routes, props(r)["RouteKey"].(string))
	}
	for _, p := range resources(tpl, "AWS::Lambda::Permission") {
		arn := joinText(props(p)["SourceArn"])
		arns = append(arns, arn[strings.LastIndex(arn, "}")+1:])
	}
	slices.Sort(routes)
	slices.Sort(arns)
	if !slices.Equal(routes, []string{"GET /orders/{id}", "POST /orders"}) {
		t.Errorf("routes %q", routes)
	}
	if !slices.Equal(arns, []string{"/*/GET/orders/*", "/*/POST/orders"}) {
		t.Errorf("permission resources %q", arns)
	}
	for _, fn := range resources(tpl, "AWS::Lambda::Function") {
		md := fn["Metadata"].(map[string]any)
		if pkg := md["httpapi:GoPackage"]; pkg != "example.com/consumer/handler" {
			t.Errorf("function package %v", pkg)
		}
		// The app runs in the module's root: the emulator finds the module there.
		if mod, dir := md["httpapi:GoModule"], md["httpapi:GoModuleDir"]; mod != "example.com/consumer" || dir != "." {
			t.Errorf("function module %v in %v, want example.com/consumer in .", mod, dir)
		}
	}
	if n := len(resources(tpl, "AWS::ApiGatewayV2::Api")); n != 1 {
		t.Errorf("%d APIs", n)
	}
}
