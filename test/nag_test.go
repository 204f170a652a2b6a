package test

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"
	"github.com/google/go-cmp/cmp"

	"github.com/httpapi-cdk/httpapi/constructs/httpapi"
	"github.com/httpapi-cdk/httpapi/internal/nagmeta"
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

// TestNagAcknowledgementMatchesCdkNag writes the same acknowledgements with
// cdk-nag's NagSuppressions and with nagmeta (which the stacks and the
// constructs use so that synthesis does not load cdk-nag), on two resources
// of one stack: the metadata must be the same, including a duplicate that
// is dropped, a second rule that is appended and a reason beyond Latin-1
// that is base64-encoded.
func TestNagAcknowledgementMatchesCdkNag(t *testing.T) {
	s := newStack()
	byNag := awssns.NewTopic(s, jsii.String("ByCdkNag"), nil)
	byUs := awssns.NewTopic(s, jsii.String("ByNagmeta"), nil)
	acks := [][2]string{
		{"AwsSolutions-SNS2", "no encryption: the topic carries alarm names only"},
		{"AwsSolutions-SNS2", "no encryption: the topic carries alarm names only"},
		{"AwsSolutions-SNS3", "publishers use TLS — the policy is the account's"},
	}
	for _, a := range acks {
		cdknag.NagSuppressions_AddResourceSuppressions(byNag, &[]*cdknag.NagPackSuppression{{Id: jsii.String(a[0]), Reason: jsii.String(a[1])}}, jsii.Bool(false))
		nagmeta.Acknowledge(byUs, a[0], a[1])
	}
	tpl := toJSON(s)
	metadata := func(prefix string) any {
		for id, r := range resources(tpl, "AWS::SNS::Topic") {
			if strings.HasPrefix(id, prefix) {
				return r["Metadata"].(map[string]any)["cdk_nag"]
			}
		}
		t.Fatalf("no topic %s in %v", prefix, tpl)
		return nil
	}
	want, got := metadata("ByCdkNag"), metadata("ByNagmeta")
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("cdk_nag metadata (-cdk-nag +nagmeta):\n%s", diff)
	}
	if rules := want.(map[string]any)["rules_to_suppress"].([]any); len(rules) != 2 || rules[1].(map[string]any)["is_reason_encoded"] != true {
		t.Errorf("cdk-nag wrote %v, want two rules, the second base64-encoded: the test no longer covers what it says", rules)
	}
}
