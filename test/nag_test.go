package test

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"

	"github.com/httpapi-cdk/httpapi/constructs/httpapi"
	"github.com/httpapi-cdk/httpapi/stacks"
)

// nagFindings applies cdk-nag's AwsSolutions and Serverless packs to a new
// app that define defines, and returns every unacknowledged error and warning.
func nagFindings(define func(awscdk.App)) []string {
	// With annotations in the validation report, nag errors would abort
	// synthesis before they can be listed; this app reports them instead.
	ctx := cdkContext()
	ctx["@aws-cdk/core:annotationsInValidationReport"] = false
	a := awscdk.NewApp(&awscdk.AppProps{Context: &ctx})
	define(a)
	awscdk.Aspects_Of(a).Add(cdknag.NewAwsSolutionsChecks(&cdknag.NagPackProps{Verbose: jsii.Bool(true)}), nil)
	awscdk.Aspects_Of(a).Add(cdknag.NewServerlessChecks(&cdknag.NagPackProps{Verbose: jsii.Bool(true)}), nil)
	var out []string
	for _, c := range *a.Node().Children() {
		if !*awscdk.Stack_IsStack(c) {
			continue
		}
		ann := assertions.Annotations_FromStack(c.(awscdk.Stack))
		for _, m := range *ann.FindError(jsii.String("*"), assertions.Match_StringLikeRegexp(jsii.String("(AwsSolutions|Serverless)-.*"))) {
			out = append(out, fmt.Sprintf("ERROR %s %v", *m.Id, m.Entry.Data))
		}
		for _, m := range *ann.FindWarning(jsii.String("*"), assertions.Match_StringLikeRegexp(jsii.String("(AwsSolutions|Serverless)-.*"))) {
			out = append(out, fmt.Sprintf("WARN  %s %v", *m.Id, m.Entry.Data))
		}
	}
	sort.Strings(out)
	return out
}

func TestCdkNag(t *testing.T) {
	findings := nagFindings(func(a awscdk.App) { stacks.NewApp(a) })
	for _, f := range findings {
		t.Error(f)
	}
	t.Logf("%d unacknowledged cdk-nag findings", len(findings))
}

// TestCdkNagCatchesFindings checks that the test would see a finding: a
// public route and a function with the L2's managed-policy role.
func TestCdkNagCatchesFindings(t *testing.T) {
	findings := strings.Join(nagFindings(func(a awscdk.App) {
		s := awscdk.NewStack(a, jsii.String("Unacknowledged"), nil)
		httpapi.New(s, "Api", &httpapi.Props{Handler: inlineFunction(s, "Fn", time.Second), Routes: keys("GET /")})
	}), "\n")
	for _, rule := range []string{"AwsSolutions-APIG4", "AwsSolutions-IAM4"} {
		if !strings.Contains(findings, rule) {
			t.Errorf("cdk-nag did not report %s:\n%s", rule, findings)
		}
	}
}
