package local

import (
	"context"
	"encoding/json"
	"io"
	"testing"

	"github.com/aws/aws-lambda-go/lambda"
)

// namedStagesTemplate is an API without a $default stage, as
// httpapi.Props.NoDefaultStage synthesizes it: two named stages, a route
// and the $default route.
const namedStagesTemplate = `{
  "Resources": {
    "Api": {"Type": "AWS::ApiGatewayV2::Api", "Properties": {"Name": "Staged", "ProtocolType": "HTTP", "IpAddressType": "dualstack"}},
    "Echo": {"Type": "AWS::Lambda::Function", "Metadata": {"httpapi:GoPackage": "example.com/echo"},
      "Properties": {"Handler": "bootstrap", "Runtime": "provided.al2023", "MemorySize": 128, "Timeout": 3}},
    "Integration": {"Type": "AWS::ApiGatewayV2::Integration", "Properties": {"ApiId": {"Ref": "Api"},
      "IntegrationType": "AWS_PROXY", "IntegrationUri": {"Fn::GetAtt": ["Echo", "Arn"]}, "PayloadFormatVersion": "2.0"}},
    "GetItem": {"Type": "AWS::ApiGatewayV2::Route", "Properties": {"ApiId": {"Ref": "Api"}, "AuthorizationType": "NONE",
      "RouteKey": "GET /items/{id}", "Target": {"Fn::Join": ["", ["integrations/", {"Ref": "Integration"}]]}}},
    "Default": {"Type": "AWS::ApiGatewayV2::Route", "Properties": {"ApiId": {"Ref": "Api"}, "AuthorizationType": "NONE",
      "RouteKey": "$default", "Target": {"Fn::Join": ["", ["integrations/", {"Ref": "Integration"}]]}}},
    "V1": {"Type": "AWS::ApiGatewayV2::Stage", "Properties": {"ApiId": {"Ref": "Api"}, "StageName": "v1", "AutoDeploy": true,
      "StageVariables": {"version": "1"}}},
    "V2": {"Type": "AWS::ApiGatewayV2::Stage", "Properties": {"ApiId": {"Ref": "Api"}, "StageName": "v2", "AutoDeploy": true}}
  }
}`

// TestNamedStagesOnly: an API without a $default stage serves only under
// its stages' prefixes and answers 404 at the root, even with a $default
// route.
func TestNamedStagesOnly(t *testing.T) {
	apis, err := ParseTemplate([]byte(namedStagesTemplate), "Staged")
	if err != nil {
		t.Fatal(err)
	}
	api, err := Select(apis, "", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(api.Problems) != 0 {
		t.Errorf("problems %v", api.Problems)
	}
	var names []string
	for _, s := range api.Stages {
		names = append(names, s.Name)
	}
	if len(names) != 2 || names[0] != "v1" || names[1] != "v2" {
		t.Fatalf("stages %q, want v1 and v2", names)
	}
	srv, err := New(context.Background(), api, &Options{Handlers: map[string]lambda.Handler{"Echo": handlerFunc(inProcessEcho)}, Log: io.Discard, AccessLog: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()

	for _, tc := range []struct {
		path, stage, routeKey, rawPath string
		vars                           map[string]any
	}{
		{"/v1/items/7", "v1", "GET /items/{id}", "/v1/items/7", map[string]any{"version": "1"}},
		{"/v2/items/7", "v2", "GET /items/{id}", "/v2/items/7", nil},
		{"/v1/elsewhere", "v1", "$default", "/v1/elsewhere", map[string]any{"version": "1"}},
	} {
		r := serveInProcess(srv, "GET", tc.path)
		if r.status != 200 {
			t.Errorf("GET %s: %d %s", tc.path, r.status, r.body)
			continue
		}
		var ev map[string]any
		if err := json.Unmarshal(r.body, &ev); err != nil {
			t.Fatalf("GET %s: %v", tc.path, err)
		}
		expect(t, ev, map[string]any{"requestContext.stage": tc.stage, "routeKey": tc.routeKey, "rawPath": tc.rawPath})
		if tc.vars == nil {
			absent(t, ev, "stageVariables")
		} else {
			expect(t, ev, map[string]any{"stageVariables": tc.vars})
		}
	}
	// No $default stage: the root and unknown stages are not served.
	for _, path := range []string{"/", "/items/7", "/elsewhere", "/v3/items/7"} {
		if r := serveInProcess(srv, "GET", path); r.status != 404 || string(r.body) != `{"message":"Not Found"}` {
			t.Errorf("GET %s: %d %s, want 404", path, r.status, r.body)
		}
	}
}
