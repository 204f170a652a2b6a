package test

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/jsii-runtime-go"

	"github.com/httpapi-cdk/httpapi/constructs/httpapi"
)

// Our own checks of a template, the rules a security review would apply
// to an HTTP API in front of Lambda. Each returns the violations found.
var policyChecks = map[string]func(tpl map[string]any, widened bool) []string{
	"invoke permissions name one API and a method and path":                 checkPermissions,
	"stages write JSON access logs with the request id":                     checkAccessLogs,
	"log groups keep events for a finite time":                              checkRetention,
	"stages are throttled":                                                  checkThrottling,
	"no IAM statement allows every action or every resource unacknowledged": checkIAM,
	"function timeouts are shorter than integration timeouts":               checkTimeouts,
	"CORS never allows credentials from any origin":                         checkCors,
}

// executeAPIResource matches the resource part of an execute-api SourceArn
// after the API id: a stage wildcard, then a method and a path, or
// $default, or an authorizer.
var executeAPIResource = regexp.MustCompile(`^/\*/((\*|GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)/[^*]*(\*[^*]*)*|\$default)$|^/authorizers/.+$`)

func checkPermissions(tpl map[string]any, widened bool) []string {
	var bad []string
	for id, p := range resources(tpl, "AWS::Lambda::Permission") {
		pp := props(p)
		if pp["Principal"] != "apigateway.amazonaws.com" {
			continue
		}
		arn := joinText(pp["SourceArn"])
		// arn:PARTITION:execute-api:REGION:ACCOUNT:API/rest, where the
		// tokens themselves contain colons.
		_, afterAccount, ok := strings.Cut(arn, "{AWS::AccountId}:")
		if !ok {
			if m := regexp.MustCompile(`:\d{12}:(.*)$`).FindStringSubmatch(arn); m != nil {
				afterAccount, ok = m[1], true
			}
		}
		api, rest, _ := strings.Cut(afterAccount, "/")
		if !strings.Contains(arn, ":execute-api:") || !ok || api == "" || api == "*" {
			bad = append(bad, fmt.Sprintf("%s: SourceArn %s does not name one API", id, arn))
			continue
		}
		rest = "/" + rest
		if rest == "/*/*" || rest == "/*/*/*" || rest == "/*" || rest == "" {
			if !widened {
				bad = append(bad, fmt.Sprintf("%s: SourceArn %s allows the whole API without a widening warning", id, arn))
			}
			continue
		}
		if !executeAPIResource.MatchString(rest) || strings.HasPrefix(rest, "/*/*/*") {
			bad = append(bad, fmt.Sprintf("%s: SourceArn %s does not name a method and path", id, arn))
		}
	}
	return bad
}

func checkAccessLogs(tpl map[string]any, _ bool) []string {
	var bad []string
	for id, s := range resources(tpl, "AWS::ApiGatewayV2::Stage") {
		settings, _ := props(s)["AccessLogSettings"].(map[string]any)
		format, _ := settings["Format"].(string)
		var fields map[string]string
		if err := json.Unmarshal([]byte(format), &fields); err != nil || !slices.Contains(mapValues(fields), "$context.requestId") || settings["DestinationArn"] == nil {
			bad = append(bad, fmt.Sprintf("%s: no JSON access log with $context.requestId (format %q)", id, format))
		}
	}
	return bad
}

func mapValues(m map[string]string) []string {
	var out []string
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

func checkRetention(tpl map[string]any, _ bool) []string {
	var bad []string
	for id, g := range resources(tpl, "AWS::Logs::LogGroup") {
		if _, ok := props(g)["RetentionInDays"]; !ok {
			bad = append(bad, id+": log group keeps events forever")
		}
	}
	return bad
}

func checkThrottling(tpl map[string]any, _ bool) []string {
	var bad []string
	for id, s := range resources(tpl, "AWS::ApiGatewayV2::Stage") {
		d, _ := props(s)["DefaultRouteSettings"].(map[string]any)
		if d["ThrottlingRateLimit"] == nil || d["ThrottlingBurstLimit"] == nil {
			bad = append(bad, id+": stage is not throttled")
		}
	}
	return bad
}

// checkIAM refuses Action "*" always, and Resource "*" unless the policy
// carries a cdk-nag acknowledgement of AwsSolutions-IAM5 with a reason:
// in policy resources, and in the inline policies of roles.
func checkIAM(tpl map[string]any, _ bool) []string {
	var bad []string
	type document struct {
		id         string
		metadata   any
		statements []any
	}
	var documents []document
	for id, p := range resources(tpl, "AWS::IAM::Policy") {
		documents = append(documents, document{id, p["Metadata"], props(p)["PolicyDocument"].(map[string]any)["Statement"].([]any)})
	}
	for id, r := range resources(tpl, "AWS::IAM::Role") {
		policies, _ := props(r)["Policies"].([]any)
		for _, p := range policies {
			p := p.(map[string]any)
			documents = append(documents, document{id + "/" + fmt.Sprint(p["PolicyName"]), r["Metadata"], p["PolicyDocument"].(map[string]any)["Statement"].([]any)})
		}
	}
	for _, d := range documents {
		id := d.id
		acknowledged := strings.Contains(fmt.Sprint(d.metadata), "AwsSolutions-IAM5")
		for _, st := range d.statements {
			st := st.(map[string]any)
			for _, a := range asList(st["Action"]) {
				if a == "*" {
					bad = append(bad, id+": a statement allows every action")
				}
			}
			for _, r := range asList(st["Resource"]) {
				if r == "*" && !acknowledged {
					bad = append(bad, id+": a statement allows every resource without an acknowledged reason")
				}
			}
		}
	}
	return bad
}

func asList(v any) []any {
	if l, ok := v.([]any); ok {
		return l
	}
	return []any{v}
}

func checkTimeouts(tpl map[string]any, _ bool) []string {
	var bad []string
	fns := resources(tpl, "AWS::Lambda::Function")
	for id, in := range resources(tpl, "AWS::ApiGatewayV2::Integration") {
		p := props(in)
		fnID := ""
		if g, ok := p["IntegrationUri"].(map[string]any)["Fn::GetAtt"].([]any); ok {
			fnID, _ = g[0].(string)
		}
		fn, ok := fns[fnID]
		if !ok {
			continue
		}
		limit := 30000.0
		if t, ok := p["TimeoutInMillis"].(float64); ok {
			limit = t
		}
		timeout := 3.0
		if t, ok := props(fn)["Timeout"].(float64); ok {
			timeout = t
		}
		if timeout*1000 >= limit {
			bad = append(bad, fmt.Sprintf("%s: function %s times out after %vs, not before the integration's %vms", id, fnID, timeout, limit))
		}
	}
	return bad
}

func checkCors(tpl map[string]any, _ bool) []string {
	var bad []string
	for id, a := range resources(tpl, "AWS::ApiGatewayV2::Api") {
		c, _ := props(a)["CorsConfiguration"].(map[string]any)
		if c["AllowCredentials"] == true && slices.Contains(asList(c["AllowOrigins"]), any("*")) {
			bad = append(bad, id+": CORS allows credentials from any origin")
		}
	}
	return bad
}

// widened reports whether synthesis warned that it widened permissions.
func widened(stack awscdk.Stack) bool {
	return len(*assertions.Annotations_FromStack(stack).FindWarning(jsii.String("*"), assertions.Match_StringLikeRegexp(jsii.String(".*widened.*")))) > 0
}

func TestPolicyChecks(t *testing.T) {
	for _, s := range allStacks() {
		tpl, w := toJSON(s), widened(s)
		for check, f := range policyChecks {
			for _, v := range f(tpl, w) {
				t.Errorf("%s: %s: %s", *s.StackName(), check, v)
			}
		}
	}
}

// TestPolicyChecksCatchViolations breaks each rule once through escape
// hatches and checks that the matching check reports it.
func TestPolicyChecksCatchViolations(t *testing.T) {
	build := func() (awscdk.Stack, awslambda.Function, httpapi.API) {
		stack := newStack()
		fn := inlineFunction(stack, "Fn", 10*time.Second)
		api := httpapi.New(stack, "Api", &httpapi.Props{Handler: fn, Routes: keys("GET /a"), Cors: &httpapi.Cors{AllowOrigins: []string{"https://a.example"}}})
		return stack, fn, api
	}
	clean, _, _ := build()
	tpl := toJSON(clean)
	for check, f := range policyChecks {
		if v := f(tpl, false); len(v) > 0 {
			t.Fatalf("the clean stack violates %q: %v", check, v)
		}
	}
	stack, fn, api := build()
	cfnStage := api.Stage("$default").Node().DefaultChild().(awscdk.CfnResource)
	cfnStage.AddPropertyDeletionOverride(jsii.String("AccessLogSettings"))
	cfnStage.AddPropertyDeletionOverride(jsii.String("DefaultRouteSettings"))
	api.AccessLogGroup().Node().DefaultChild().(awscdk.CfnResource).AddPropertyDeletionOverride(jsii.String("RetentionInDays"))
	cfnAPI := api.HttpApi().Node().DefaultChild().(awscdk.CfnResource)
	cfnAPI.AddPropertyOverride(jsii.String("CorsConfiguration.AllowOrigins"), []string{"*"})
	cfnAPI.AddPropertyOverride(jsii.String("CorsConfiguration.AllowCredentials"), true)
	fn.Node().DefaultChild().(awscdk.CfnResource).AddPropertyOverride(jsii.String("Timeout"), 30)
	awslambda.NewCfnPermission(stack, jsii.String("AnyRoute"), &awslambda.CfnPermissionProps{
		Action: jsii.String("lambda:InvokeFunction"), FunctionName: fn.FunctionArn(), Principal: jsii.String("apigateway.amazonaws.com"),
		SourceArn: jsii.String("arn:aws:execute-api:us-east-1:123456789012:abc123/*/*/*"),
	})
	fn.Role().AddToPrincipalPolicy(allowEverything())
	tpl = toJSON(stack)
	for check, f := range policyChecks {
		if v := f(tpl, false); len(v) == 0 {
			t.Errorf("check %q did not catch its violation", check)
		}
	}
	// The same statement in a role's inline policy.
	inline, _, _ := build()
	awsiam.NewRole(inline, jsii.String("Wide"), &awsiam.RoleProps{
		AssumedBy: awsiam.NewServicePrincipal(jsii.String("lambda.amazonaws.com"), nil),
		InlinePolicies: &map[string]awsiam.PolicyDocument{
			"All": awsiam.NewPolicyDocument(&awsiam.PolicyDocumentProps{Statements: &[]awsiam.PolicyStatement{allowEverything()}}),
		},
	})
	if v := checkIAM(toJSON(inline), false); len(v) != 2 {
		t.Errorf("checkIAM on a role's inline policy allowing everything: %q, want its action and its resource refused", v)
	}
}

// allowEverything is the statement every review refuses.
func allowEverything() awsiam.PolicyStatement {
	return awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{Actions: jsii.Strings("*"), Resources: jsii.Strings("*")})
}
