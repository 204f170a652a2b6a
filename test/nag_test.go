package test

import (
	"fmt"
	"sort"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"

	"github.com/httpapi-cdk/httpapi/stacks"
)

// nagFindings applies cdk-nag's AwsSolutions and Serverless packs to a new
// reference app and returns every unacknowledged error and warning.
func nagFindings() []string {
	// With annotations in the validation report, nag errors would abort
	// synthesis before they can be listed; this app reports them instead.
	ctx := cdkContext()
	ctx["@aws-cdk/core:annotationsInValidationReport"] = false
	a := awscdk.NewApp(&awscdk.AppProps{Context: &ctx})
	stacks.NewApp(a)
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
	findings := nagFindings()
	for _, f := range findings {
		t.Error(f)
	}
	t.Logf("%d unacknowledged cdk-nag findings", len(findings))
}
