package local

import (
	"context"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// stageTemplate is a stack with one HTTP API whose $default stage has the
// stage variable env, and GET /echo invoking the echo function.
func stageTemplate(env string) string {
	return `{
  "Resources": {
    "Api": {"Type": "AWS::ApiGatewayV2::Api", "Properties": {"Name": "Api", "ProtocolType": "HTTP"}},
    "Stage": {"Type": "AWS::ApiGatewayV2::Stage", "Properties": {"ApiId": {"Ref": "Api"}, "StageName": "$default", "AutoDeploy": true,
      "StageVariables": {"env": "` + env + `"}}},
    "Integration": {"Type": "AWS::ApiGatewayV2::Integration", "Properties": {"ApiId": {"Ref": "Api"}, "IntegrationType": "AWS_PROXY",
      "IntegrationUri": {"Fn::GetAtt": ["Echo", "Arn"]}, "PayloadFormatVersion": "2.0"}},
    "Route": {"Type": "AWS::ApiGatewayV2::Route", "Properties": {"ApiId": {"Ref": "Api"}, "RouteKey": "GET /echo",
      "Target": {"Fn::Join": ["", ["integrations/", {"Ref": "Integration"}]]}}},
    "Echo": {"Type": "AWS::Lambda::Function", "Properties": {"Timeout": 10},
      "Metadata": {"httpapi:GoPackage": "github.com/httpapi-cdk/httpapi/local/testdata/echofn"}}
  }
}`
}

// writeFiles writes files (path relative to dir: content) under dir.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// stagesAssembly writes a cloud assembly laid out as the CDK writes an app
// with Stages Prod and Dev, each with a stack Api, next to a top-level
// stack Tools; Prod's stack names a region.
func stagesAssembly(t *testing.T) string {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"manifest.json": `{"version": "48.0.0", "artifacts": {
  "assembly-Prod": {"type": "cdk:cloud-assembly", "properties": {"directoryName": "assembly-Prod", "displayName": "Prod"}},
  "assembly-Dev": {"type": "cdk:cloud-assembly", "properties": {"directoryName": "assembly-Dev", "displayName": "Dev"}},
  "Tools": {"type": "aws:cloudformation:stack", "environment": "aws://unknown-account/unknown-region",
    "properties": {"templateFile": "Tools.template.json"}, "displayName": "Tools"},
  "Tree": {"type": "cdk:tree", "properties": {"file": "tree.json"}}}}`,
		"Tools.template.json": `{"Resources": {}}`,
		"assembly-Prod/manifest.json": `{"version": "48.0.0", "artifacts": {
  "ProdApi8E6A0F2B": {"type": "aws:cloudformation:stack", "environment": "aws://111111111111/eu-west-1",
    "properties": {"templateFile": "ProdApi8E6A0F2B.template.json"}, "displayName": "Prod/Api"}}}`,
		"assembly-Prod/ProdApi8E6A0F2B.template.json": stageTemplate("prod"),
		"assembly-Dev/manifest.json": `{"version": "48.0.0", "artifacts": {
  "DevApi3C1B77D0": {"type": "aws:cloudformation:stack", "environment": "aws://unknown-account/unknown-region",
    "properties": {"templateFile": "DevApi3C1B77D0.template.json"}, "displayName": "Dev/Api"}}}`,
		"assembly-Dev/DevApi3C1B77D0.template.json": stageTemplate("dev"),
	})
	return dir
}

// Stacks inside CDK Stages are read from their nested assemblies, named
// by their stage-qualified name, and each can be selected and served.
func TestStagesAssembly(t *testing.T) {
	apis, err := LoadAssembly(stagesAssembly(t))
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
		srv, err := New(context.Background(), api, sharedBuild(api, &Options{Log: testWriter{t}, AccessLog: testWriter{t}}))
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
		writeFiles(t, dir, map[string]string{"manifest.json": `{"artifacts": {"assembly-X": {"type": "cdk:cloud-assembly",
  "properties": {"directoryName": "` + d + `", "displayName": "X"}}}}`})
		if _, err := LoadAssembly(dir); err == nil || !strings.Contains(err.Error(), "is not a subdirectory") {
			t.Errorf("directoryName %q: %v", d, err)
		}
	}
}
