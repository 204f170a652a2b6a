package local

import (
	"strings"
	"testing"
)

// TestTemplateGoPackageIsNotAScript: httpapi:GoPackage is input, not
// arguments for the go command. A value that is not one package is
// reported at start, its routes answer 500, and nothing is built.
func TestTemplateGoPackageIsNotAScript(t *testing.T) {
	tpl := `{"Resources":{
		"Api":{"Type":"AWS::ApiGatewayV2::Api","Properties":{"Name":"x","ProtocolType":"HTTP"}},
		"Stage":{"Type":"AWS::ApiGatewayV2::Stage","Properties":{"ApiId":{"Ref":"Api"},"StageName":"$default","AutoDeploy":true}},
		"Fn":{"Type":"AWS::Lambda::Function","Metadata":{"httpapi:GoPackage":"-toolexec=/bin/sh"},"Properties":{"Timeout":3}},
		"Int":{"Type":"AWS::ApiGatewayV2::Integration","Properties":{"ApiId":{"Ref":"Api"},"IntegrationType":"AWS_PROXY","IntegrationUri":{"Fn::GetAtt":["Fn","Arn"]},"PayloadFormatVersion":"2.0"}},
		"R":{"Type":"AWS::ApiGatewayV2::Route","Properties":{"ApiId":{"Ref":"Api"},"RouteKey":"GET /x","Target":{"Fn::Join":["",["integrations/",{"Ref":"Int"}]]}}}
	}}`
	api := loadAPI(t, tpl)
	if len(api.Functions) != 0 {
		t.Errorf("functions to build: %v, want none", api.Functions)
	}
	var problems []string
	for _, p := range api.Problems {
		problems = append(problems, p.String())
	}
	want := `R: route GET /x is answered with 500: function Fn: httpapi:GoPackage "-toolexec=/bin/sh" is not allowed, so the emulator does not build it: it starts with '-', which the go command would take for a flag`
	if all := strings.Join(problems, "\n"); !strings.Contains(all, want) {
		t.Errorf("problems:\n%s\nwant one containing\n%s", all, want)
	}
}
