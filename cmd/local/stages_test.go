package main

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// stackTemplate is a stack with one HTTP API whose $default stage has the
// stage variable env, and GET /echo invoking the emulator tests' echo
// function, with the module metadata gofunction writes (moduleDir relative
// to the app's directory).
func stackTemplate(env, moduleDir string) string {
	return `{"Resources": {
  "Api": {"Type": "AWS::ApiGatewayV2::Api", "Properties": {"Name": "Api", "ProtocolType": "HTTP"}},
  "Stage": {"Type": "AWS::ApiGatewayV2::Stage", "Properties": {"ApiId": {"Ref": "Api"}, "StageName": "$default", "AutoDeploy": true,
    "StageVariables": {"env": "` + env + `"}}},
  "Integration": {"Type": "AWS::ApiGatewayV2::Integration", "Properties": {"ApiId": {"Ref": "Api"}, "IntegrationType": "AWS_PROXY",
    "IntegrationUri": {"Fn::GetAtt": ["Echo", "Arn"]}, "PayloadFormatVersion": "2.0"}},
  "Route": {"Type": "AWS::ApiGatewayV2::Route", "Properties": {"ApiId": {"Ref": "Api"}, "RouteKey": "GET /echo",
    "Target": {"Fn::Join": ["", ["integrations/", {"Ref": "Integration"}]]}}},
  "Echo": {"Type": "AWS::Lambda::Function", "Properties": {"Timeout": 10}, "Metadata": {
    "httpapi:GoPackage": "github.com/httpapi-cdk/httpapi/local/testdata/echofn",
    "httpapi:GoModule": "github.com/httpapi-cdk/httpapi", "httpapi:GoModuleDir": "` + moduleDir + `"}}
}}`
}

// stagesApp writes an app directory whose cdk.out holds the nested
// assemblies of CDK Stages Prod and Dev, each with a stack Api, and
// returns the cdk.out directory.
func stagesApp(t *testing.T) string {
	app := t.TempDir()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	rel, err := filepath.Rel(app, root)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"manifest.json": `{"artifacts": {
  "assembly-Prod": {"type": "cdk:cloud-assembly", "properties": {"directoryName": "assembly-Prod", "displayName": "Prod"}},
  "assembly-Dev": {"type": "cdk:cloud-assembly", "properties": {"directoryName": "assembly-Dev", "displayName": "Dev"}}}}`,
	}
	for _, stage := range []string{"Prod", "Dev"} {
		files["assembly-"+stage+"/manifest.json"] = `{"artifacts": {"` + stage + `Api1234": {"type": "aws:cloudformation:stack",
  "properties": {"templateFile": "` + stage + `Api1234.template.json"}, "displayName": "` + stage + `/Api"}}}`
		files["assembly-"+stage+"/"+stage+"Api1234.template.json"] = stackTemplate(strings.ToLower(stage), filepath.ToSlash(rel))
	}
	out := filepath.Join(app, "cdk.out")
	for name, body := range files {
		path := filepath.Join(out, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(path), 0o755)
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
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

	listening := regexp.MustCompile(`stage \$default at (http://\S+/)`)
	for _, stage := range []string{"Prod", "Dev"} {
		t.Run(stage, func(t *testing.T) {
			t.Parallel()
			cmd := exec.Command(bin, "-cdk-out", cdkOut, "-stack", stage+"/Api", "-port", "0", "-pin=false")
			cmd.Dir = elsewhere
			stderr, err := cmd.StderrPipe()
			if err != nil {
				t.Fatal(err)
			}
			cmd.Stdout = io.Discard
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			urls := make(chan string, 1)
			defer func() {
				cmd.Process.Signal(os.Interrupt)
				for range urls { // until the reader has logged the last line
				}
				cmd.Wait()
			}()
			go func() {
				sc := bufio.NewScanner(stderr)
				for sc.Scan() {
					t.Log(sc.Text())
					if m := listening.FindStringSubmatch(sc.Text()); m != nil {
						urls <- m[1]
					}
				}
				close(urls)
			}()
			var url string
			select {
			case u, ok := <-urls:
				if !ok {
					t.Fatalf("the command ended before serving")
				}
				url = u
			case <-time.After(2 * time.Minute):
				t.Fatal("the command did not start serving")
			}
			resp, err := http.Get(url + "echo")
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var ev struct {
				StageVariables map[string]string `json:"stageVariables"`
			}
			if err := json.NewDecoder(resp.Body).Decode(&ev); err != nil || resp.StatusCode != 200 {
				t.Fatalf("GET /echo: %d %v", resp.StatusCode, err)
			}
			if want := strings.ToLower(stage); ev.StageVariables["env"] != want {
				t.Errorf("stage variable env %q, want %q", ev.StageVariables["env"], want)
			}
		})
	}
}
