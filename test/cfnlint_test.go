package test

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscertificatemanager"
	"github.com/aws/jsii-runtime-go"

	"github.com/httpapi-cdk/httpapi/constructs/httpapi"
	"github.com/httpapi-cdk/httpapi/route"
)

// cfnLintIgnored are the cfn-lint checks we do not act on, each with why.
var cfnLintIgnored = map[string]string{
	// The Lambda L2 adds DependsOn from the function to its role so that the
	// role's policies exist before the function; the Fn::GetAtt already
	// orders them, and the redundancy is harmless.
	"W3005": "redundant DependsOn added by the CDK Lambda L2",
}

// sampleConfigurations are construct configurations beyond the reference
// stacks whose templates cfn-lint also checks.
func sampleConfigurations() map[string]awscdk.Stack {
	out := map[string]awscdk.Stack{}

	multi := newStack()
	a := inlineFunction(multi, "A", 10*time.Second)
	b := inlineFunction(multi, "B", 5*time.Second)
	api := httpapi.New(multi, "Api", &httpapi.Props{
		Handler: a, Routes: keys("GET /a", "ANY /a/{proxy+}", "$default"),
		Stages: []httpapi.StageOptions{{Name: "prod", ManualDeploy: true, Throttle: httpapi.Throttle{RateLimit: 50, BurstLimit: 10}}},
		Cors:   &httpapi.Cors{AllowOrigins: []string{"*"}, AllowMethods: []string{"*"}, ExposeHeaders: []string{"x-request-id"}},
	})
	api.AddRoutes(b, keys("POST /b"), &httpapi.RouteOptions{PayloadFormat: httpapi.PayloadFormatV1, IntegrationTimeout: 6 * time.Second})
	out["MultiFunction"] = multi

	wide := newStack()
	fn := inlineFunction(wide, "Fn", 10*time.Second)
	var ks []route.Key
	for i := range httpapi.MaxRoutes {
		ks = append(ks, route.Key{Method: "GET", Path: fmt.Sprintf("/r%d/{id}", i)})
	}
	httpapi.New(wide, "Api", &httpapi.Props{Handler: fn, Routes: ks})
	out["MaxRoutes"] = wide

	quiet := newStack()
	httpapi.New(quiet, "Api", &httpapi.Props{
		Handler: inlineFunction(quiet, "Fn", 3*time.Second), Routes: keys("GET /"),
		AccessLogs: httpapi.AccessLogs{Disabled: true},
		Cors:       &httpapi.Cors{AllowOrigins: []string{"https://a.example", "http://localhost:3000"}, AllowCredentials: true, MaxAge: time.Hour},
	})
	out["NoAccessLogs"] = quiet

	named := newStack()
	staged := httpapi.New(named, "Api", &httpapi.Props{
		Handler: inlineFunction(named, "Fn", 3*time.Second), Routes: keys("GET /items/{id}"),
		NoDefaultStage: true, IPAddressType: httpapi.DualStack,
		Stages: []httpapi.StageOptions{{Name: "v1", Variables: map[string]string{"version": "1"}}, {Name: "v2"}},
	})
	staged.AddDomain("Domain", &httpapi.DomainOptions{
		Name: "api.example.com", IPAddressType: httpapi.IPv4,
		Certificate: awscertificatemanager.Certificate_FromCertificateArn(named, jsii.String("Cert"), jsii.String("arn:aws:acm:us-east-1:123456789012:certificate/abc")),
	})
	out["NamedStagesOnly"] = named
	return out
}

// cfnLint runs cfn-lint on templates (name to JSON) and returns its findings.
func cfnLint(t *testing.T, templates map[string][]byte) (string, error) {
	t.Helper()
	lint, err := exec.LookPath("cfn-lint")
	if err != nil {
		t.Fatal("cfn-lint is not on PATH: `make test` installs the pinned version into .tools/venv and puts it there; the suite needs it to check every synthesized template")
	}
	dir := t.TempDir()
	args := []string{"--format", "parseable"}
	for id := range cfnLintIgnored {
		args = append(args, "--ignore-checks="+id)
	}
	args = append(args, "--")
	for name, tpl := range templates {
		f := filepath.Join(dir, name+".template.json")
		if err := os.WriteFile(f, tpl, 0o644); err != nil {
			t.Fatal(err)
		}
		args = append(args, f)
	}
	out, err := exec.Command(lint, args...).CombinedOutput()
	return string(out), err
}

func TestCfnLint(t *testing.T) {
	templates := map[string][]byte{}
	for name, s := range sampleConfigurations() {
		templates[name] = templateJSON(t, s)
	}
	for _, s := range allStacks() {
		templates[*s.StackName()] = templateJSON(t, s)
	}
	out, err := cfnLint(t, templates)
	if err != nil || len(out) > 0 {
		t.Errorf("cfn-lint found problems in %d templates (%v):\n%s", len(templates), err, out)
	}
	t.Logf("cfn-lint checked %d templates", len(templates))
}

// TestCfnLintCatchesErrors breaks a synthesized template (a function
// timeout that is not a number) and checks that cfn-lint fails on it.
func TestCfnLintCatchesErrors(t *testing.T) {
	stack := newStack()
	httpapi.New(stack, "Api", &httpapi.Props{Handler: inlineFunction(stack, "Fn", time.Second), Routes: keys("GET /")})
	tpl := toJSON(stack)
	for _, fn := range resources(tpl, "AWS::Lambda::Function") {
		props(fn)["Timeout"] = "soon"
	}
	broken, _ := json.Marshal(tpl)
	out, err := cfnLint(t, map[string][]byte{"Broken": broken})
	if err == nil || !strings.Contains(out, "E3012") {
		t.Errorf("cfn-lint accepted Timeout %q (%v):\n%s", "soon", err, out)
	}
}
