// Cloud assemblies for the emulator tests: manifests and a stages assembly written to disk.

package localtest

import "testing"

// StackManifest is the manifest of a cloud assembly holding the one stack
// stack, whose template is stack+".template.json".
func StackManifest(stack string) string {
	return `{"version": "48.0.0", "artifacts": {"` + stack + `": {"type": "aws:cloudformation:stack",
  "environment": "aws://unknown-account/unknown-region", "properties": {"templateFile": "` + stack + `.template.json"}, "displayName": "` + stack + `"}}}`
}

// WriteStagesAssembly writes into dir a cloud assembly laid out as the CDK
// writes an app with Stages Prod and Dev, each with a stack Api whose
// template is template(stage), next to a top-level stack Tools without an
// API. Prod's stack is in eu-west-1; Dev's names no region.
func WriteStagesAssembly(t testing.TB, dir string, template func(stage string) string) {
	t.Helper()
	files := map[string]string{
		"manifest.json": `{"version": "48.0.0", "artifacts": {
  "assembly-Prod": {"type": "cdk:cloud-assembly", "properties": {"directoryName": "assembly-Prod", "displayName": "Prod"}},
  "assembly-Dev": {"type": "cdk:cloud-assembly", "properties": {"directoryName": "assembly-Dev", "displayName": "Dev"}},
  "Tools": {"type": "aws:cloudformation:stack", "environment": "aws://unknown-account/unknown-region",
    "properties": {"templateFile": "Tools.template.json"}, "displayName": "Tools"},
  "Tree": {"type": "cdk:tree", "properties": {"file": "tree.json"}}}}`,
		"Tools.template.json": `{"Resources": {}}`,
	}
	for _, s := range []struct{ stage, id, env string }{
		{"Prod", "ProdApi8E6A0F2B", "aws://111111111111/eu-west-1"},
		{"Dev", "DevApi3C1B77D0", "aws://unknown-account/unknown-region"},
	} {
		files["assembly-"+s.stage+"/manifest.json"] = `{"version": "48.0.0", "artifacts": {
  "` + s.id + `": {"type": "aws:cloudformation:stack", "environment": "` + s.env + `",
    "properties": {"templateFile": "` + s.id + `.template.json"}, "displayName": "` + s.stage + `/Api"}}}`
		files["assembly-"+s.stage+"/"+s.id+".template.json"] = template(s.stage)
	}
	WriteFiles(t, dir, files)
}
