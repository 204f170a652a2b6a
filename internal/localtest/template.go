// Templates: one HTTP API stack whose routes invoke one Go function, as JSON.

package localtest

import (
	"encoding/json"
	"fmt"
	"os"
	"testing"
)

// EchoPackage is the Go package of the emulator tests' echo function: it
// answers with the event it received as its JSON body.
const EchoPackage = "github.com/httpapi-cdk/httpapi/local/testdata/echofn"

// Template is a stack with one HTTP API, its $default stage, and routes
// that all invoke one Go function through one AWS_PROXY integration of
// payload format 2.0, the function's timeout being 10 s.
type Template struct {
	Function       string            // the function's logical id
	GoPackage      string            // its httpapi:GoPackage
	GoModule       string            // its httpapi:GoModule, or "" for none
	GoModuleDir    string            // its httpapi:GoModuleDir (relative to the app's directory), or "" for none
	Environment    map[string]string // its environment variables
	StageVariables map[string]string // the $default stage's variables
	Routes         []string          // route keys, the resources Route0, Route1...
	JWTRoute       string            // a route key guarded by the JWT authorizer Auth (issuer https://issuer.example, audience app), or ""
}

// EchoStack is a Template with GET /echo invoking the echo function, Echo,
// and the $default stage's variable env.
func EchoStack(env string) Template {
	return Template{Function: "Echo", GoPackage: EchoPackage, StageVariables: map[string]string{"env": env}, Routes: []string{"GET /echo"}}
}

// JSON returns the template.
func (tp Template) JSON() string {
	ref := func(id string) map[string]any { return map[string]any{"Ref": id} }
	stage := map[string]any{"ApiId": ref("Api"), "StageName": "$default", "AutoDeploy": true}
	if tp.StageVariables != nil {
		stage["StageVariables"] = tp.StageVariables
	}
	metadata := map[string]any{"httpapi:GoPackage": tp.GoPackage}
	if tp.GoModule != "" {
		metadata["httpapi:GoModule"] = tp.GoModule
	}
	if tp.GoModuleDir != "" {
		metadata["httpapi:GoModuleDir"] = tp.GoModuleDir
	}
	fn := map[string]any{"Timeout": 10}
	if tp.Environment != nil {
		fn["Environment"] = map[string]any{"Variables": tp.Environment}
	}
	res := map[string]any{
		"Api":   map[string]any{"Type": "AWS::ApiGatewayV2::Api", "Properties": map[string]any{"Name": "Api", "ProtocolType": "HTTP"}},
		"Stage": map[string]any{"Type": "AWS::ApiGatewayV2::Stage", "Properties": stage},
		"Integration": map[string]any{"Type": "AWS::ApiGatewayV2::Integration", "Properties": map[string]any{"ApiId": ref("Api"),
			"IntegrationType": "AWS_PROXY", "IntegrationUri": map[string]any{"Fn::GetAtt": []any{tp.Function, "Arn"}}, "PayloadFormatVersion": "2.0"}},
		tp.Function: map[string]any{"Type": "AWS::Lambda::Function", "Properties": fn, "Metadata": metadata},
	}
	if tp.JWTRoute != "" {
		res["Auth"] = map[string]any{"Type": "AWS::ApiGatewayV2::Authorizer", "Properties": map[string]any{"ApiId": ref("Api"), "AuthorizerType": "JWT",
			"IdentitySource": []string{"$request.header.Authorization"}, "JwtConfiguration": map[string]any{"Issuer": "https://issuer.example", "Audience": []string{"app"}}}}
	}
	for i, key := range tp.Routes {
		props := map[string]any{"ApiId": ref("Api"), "RouteKey": key, "Target": map[string]any{"Fn::Join": []any{"", []any{"integrations/", ref("Integration")}}}}
		if key == tp.JWTRoute {
			props["AuthorizationType"], props["AuthorizerId"] = "JWT", ref("Auth")
		}
		res[fmt.Sprintf("Route%d", i)] = map[string]any{"Type": "AWS::ApiGatewayV2::Route", "Properties": props}
	}
	b, err := json.MarshalIndent(map[string]any{"Resources": res}, "", " ")
	if err != nil {
		panic(err) // maps of strings always marshal
	}
	return string(b)
}

// ReadTemplate reads the CloudFormation template at path as JSON, for a
// test to edit and write again; an error fails the test.
func ReadTemplate(t testing.TB, path string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var tpl map[string]any
	if err := json.Unmarshal(b, &tpl); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return tpl
}
