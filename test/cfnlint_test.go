package test

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
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

// brokenTemplate is the name of the template broken on purpose (see
// TestCfnLintCatchesErrors) that is linted with the others.
const brokenTemplate = "Broken"

// lintRun is what one cfn-lint process said about a set of templates.
type lintRun struct {
	templates int                 // how many it checked
	findings  map[string][]string // its lines by template name
	other     []string            // lines that name no template
	err       error               // its exit status
}

// lintJob is the one cfn-lint process of a test binary, over every
// template the tests check: the sample configurations, the reference
// stacks and the broken template. cfn-lint takes seconds to start, so
// TestCfnLint and TestCfnLintCatchesErrors share one process, each reading
// the lines of its own templates; and it runs while the other tests do.
type lintJob struct {
	done chan struct{} // closed when run and err are set
	run  *lintRun
	err  error
}

// startCfnLint synthesizes the templates (jsii calls: in the caller's
// goroutine, before it calls t.Parallel) and starts cfn-lint on them, once
// per test binary.
var startCfnLint = sync.OnceValue(func() *lintJob {
	j := &lintJob{done: make(chan struct{})}
	templates, err := lintTemplates()
	if err != nil {
		j.err = err
		close(j.done)
		return j
	}
	go func() {
		defer close(j.done)
		j.run, j.err = cfnLint(templates)
	}()
	return j
})

// wait returns what cfn-lint said, once it has finished.
func (j *lintJob) wait() (*lintRun, error) {
	<-j.done
	return j.run, j.err
}

// lintTemplates returns the templates cfn-lint checks, by name.
func lintTemplates() (map[string][]byte, error) {
	byName := sampleConfigurations()
	for _, s := range allStacks() {
		byName[*s.StackName()] = s
	}
	templates := map[string][]byte{}
	for name, s := range byName {
		b, err := indentedJSON(toJSON(s))
		if err != nil {
			return nil, err
		}
		templates[name] = b
	}
	// A function timeout that is not a number.
	stack := newStack()
	httpapi.New(stack, "Api", &httpapi.Props{Handler: inlineFunction(stack, "Fn", time.Second), Routes: keys("GET /")})
	broken := toJSON(stack)
	for _, fn := range resources(broken, "AWS::Lambda::Function") {
		props(fn)["Timeout"] = "soon"
	}
	b, err := indentedJSON(broken)
	if err != nil {
		return nil, err
	}
	templates[brokenTemplate] = b
	return templates, nil
}

// cfnLint runs cfn-lint on templates (name to JSON) and returns its
// findings by template.
func cfnLint(templates map[string][]byte) (*lintRun, error) {
	lint, err := exec.LookPath("cfn-lint")
	if err != nil {
		return nil, errors.New("cfn-lint is not on PATH: `make test` installs the pinned version into .tools/venv and puts it there; the suite needs it to check every synthesized template")
	}
	dir, err := os.MkdirTemp("", "cfnlint-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	args := []string{"--format", "parseable"}
	for id := range cfnLintIgnored {
		args = append(args, "--ignore-checks="+id)
	}
	args = append(args, "--")
	byFile := map[string]string{}
	for name, tpl := range templates {
		f := filepath.Join(dir, name+".template.json")
		if err := os.WriteFile(f, tpl, 0o644); err != nil {
			return nil, err
		}
		args = append(args, f)
		byFile[f+":"] = name
	}
	out, err := exec.Command(lint, args...).CombinedOutput()
	r := &lintRun{templates: len(templates), findings: map[string][]string{}, err: err}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if line == "" {
			continue
		}
		name, found := "", false
		for prefix, n := range byFile {
			if strings.HasPrefix(line, prefix) {
				name, found = n, true
			}
		}
		if found {
			r.findings[name] = append(r.findings[name], line)
		} else {
			r.other = append(r.other, line)
		}
	}
	return r, nil
}

func TestCfnLint(t *testing.T) {
	job := startCfnLint()
	t.Parallel() // waits for cfn-lint once the other tests have run
	r, err := job.wait()
	if err != nil {
		t.Fatal(err)
	}
	if len(r.other) > 0 {
		t.Errorf("cfn-lint (%v):\n%s", r.err, strings.Join(r.other, "\n"))
	}
	for name, lines := range r.findings {
		if name != brokenTemplate {
			t.Errorf("cfn-lint found problems in %s:\n%s", name, strings.Join(lines, "\n"))
		}
	}
	t.Logf("cfn-lint checked %d templates", r.templates-1)
}

// TestCfnLintCatchesErrors breaks a synthesized template (a function
// timeout that is not a number) and checks that cfn-lint fails on it.
func TestCfnLintCatchesErrors(t *testing.T) {
	job := startCfnLint()
	t.Parallel()
	r, err := job.wait()
	if err != nil {
		t.Fatal(err)
	}
	out := strings.Join(r.findings[brokenTemplate], "\n")
	if r.err == nil || !strings.Contains(out, "E3012") {
		t.Errorf("cfn-lint accepted Timeout %q (%v):\n%s", "soon", r.err, out)
	}
}
