package test

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscertificatemanager"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/jsii-runtime-go"

	"github.com/httpapi-cdk/httpapi/constructs/httpapi"
	"github.com/httpapi-cdk/httpapi/route"
)

func production(t *testing.T) (assertions.Template, map[string]any) {
	s := reference(t, "HttpApiProduction")
	return assertions.Template_FromStack(s.Stack, nil), toJSON(s.Stack)
}

func TestAuthorizers(t *testing.T) {
	tpl, j := production(t)
	assert(t, func() {
		tpl.HasResourceProperties(jsii.String("AWS::ApiGatewayV2::Authorizer"), map[string]any{
			"AuthorizerType":   "JWT",
			"IdentitySource":   []any{"$request.header.Authorization"},
			"JwtConfiguration": map[string]any{"Audience": []any{"reference-api"}, "Issuer": "https://auth.example.com"},
		})
	})
	assert(t, func() {
		tpl.HasResourceProperties(jsii.String("AWS::ApiGatewayV2::Authorizer"), map[string]any{
			"AuthorizerType": "REQUEST", "AuthorizerResultTtlInSeconds": 300, "EnableSimpleResponses": true,
			"AuthorizerPayloadFormatVersion": "2.0", "IdentitySource": []any{"$request.header.Authorization"},
		})
	})
	want := map[string]string{
		"GET /hello": "NONE", "GET /hello/{name}": "NONE", "GET /pixel.png": "NONE", "GET /cookies": "CUSTOM",
		"GET /report": "AWS_IAM", "POST /echo": "JWT", "GET /fail": "JWT", "$default": "JWT", "OPTIONS /": "NONE", "OPTIONS /{proxy+}": "NONE",
		"GET /health": "NONE", "GET /notes/{id}": "JWT", "POST /notes": "JWT",
	}
	for _, r := range resources(j, "AWS::ApiGatewayV2::Route") {
		p := props(r)
		key := p["RouteKey"].(string)
		if p["AuthorizationType"] != want[key] {
			t.Errorf("%s: AuthorizationType %v, want %s", key, p["AuthorizationType"], want[key])
		}
		if key == "POST /echo" && !slices.Equal(toStrings(p["AuthorizationScopes"]), []string{"echo:write"}) {
			t.Errorf("POST /echo scopes %v", p["AuthorizationScopes"])
		}
	}
	// The Lambda authorizer's invoke permission names this API's authorizers only.
	found := false
	for _, p := range resources(j, "AWS::Lambda::Permission") {
		arn := joinText(props(p)["SourceArn"])
		if strings.Contains(arn, "/authorizers/") {
			found = true
			if !strings.Contains(joinText(props(p)["FunctionName"]), "Authorizer") {
				t.Errorf("authorizer permission on %v", props(p)["FunctionName"])
			}
		}
	}
	if !found {
		t.Error("no invoke permission scoped to the Lambda authorizer")
	}
	// GrantInvoke: execute-api:Invoke on GET /report only.
	var statements []string
	for _, p := range resources(j, "AWS::IAM::Policy") {
		if !strings.Contains(joinText(props(p)["Roles"]), "ReportReader") {
			continue
		}
		for _, st := range props(p)["PolicyDocument"].(map[string]any)["Statement"].([]any) {
			st := st.(map[string]any)
			statements = append(statements, joinText(st["Action"])+" "+joinText(st["Resource"]))
		}
	}
	if len(statements) != 1 || !strings.HasPrefix(statements[0], "execute-api:Invoke arn:") || !strings.HasSuffix(statements[0], "/*/GET/report") {
		t.Errorf("grant statements %q", statements)
	}
}

func toStrings(v any) []string {
	var out []string
	for _, e := range v.([]any) {
		out = append(out, e.(string))
	}
	return out
}

// TestMultipleFunctions: the health function is a second function behind
// HttpApiProduction, with its own integration (payload 1.0) and its own
// invoke permission; the notes function (net/http) a third, payload 2.0.
func TestMultipleFunctions(t *testing.T) {
	_, j := production(t)
	byFunction := map[string]string{}
	for _, in := range resources(j, "AWS::ApiGatewayV2::Integration") {
		byFunction[joinText(props(in)["IntegrationUri"])] = props(in)["PayloadFormatVersion"].(string)
	}
	if len(byFunction) != 3 {
		t.Fatalf("integrations %v, want one per function", byFunction)
	}
	for fn, version := range byFunction {
		if strings.Contains(fn, "Health") != (version == "1.0") {
			t.Errorf("integration of %s has payload %s", fn, version)
		}
	}
	var health []string
	for _, p := range resources(j, "AWS::Lambda::Permission") {
		if strings.Contains(joinText(props(p)["FunctionName"]), "Health") {
			arn := joinText(props(p)["SourceArn"])
			health = append(health, arn[strings.LastIndex(arn, "}")+1:])
		}
	}
	if !slices.Equal(health, []string{"/*/GET/health"}) {
		t.Errorf("health function permissions %q", health)
	}
}

// TestFunctionLogLevels: HttpApiProduction's reference function sets
// Lambda's log levels next to the JSON format they need; a function
// without levels keeps Lambda's defaults.
func TestFunctionLogLevels(t *testing.T) {
	tpl, _ := production(t)
	assert(t, func() {
		tpl.HasResourceProperties(jsii.String("AWS::Lambda::Function"), map[string]any{
			"Description": "Reference handler of the httpapi construct library",
			"LoggingConfig": assertions.Match_ObjectEquals(&map[string]any{
				"ApplicationLogLevel": "INFO", "SystemLogLevel": "WARN", "LogFormat": "JSON",
				"LogGroup": assertions.Match_AnyValue(),
			}),
		})
	})
	assert(t, func() {
		tpl.HasResourceProperties(jsii.String("AWS::Lambda::Function"), map[string]any{
			"Description": "Reference health check of the httpapi construct library",
			"LoggingConfig": assertions.Match_ObjectEquals(&map[string]any{
				"LogFormat": "JSON", "LogGroup": assertions.Match_AnyValue(),
			}),
		})
	})
}

func TestCorsPreflightWithAuthorizers(t *testing.T) {
	s := reference(t, "HttpApiProduction")
	assert(t, func() {
		assertions.Annotations_FromStack(s.Stack).HasInfo(jsii.String("/HttpApiProduction/Api"),
			assertions.Match_StringLikeRegexp(jsii.String(`.*added unauthenticated route "OPTIONS /\{proxy\+\}".*`)))
	})
	// An ANY route behind an authorizer gets an OPTIONS route on its own path.
	stack := newStack()
	fn := inlineFunction(stack, "Fn", 10*time.Second)
	httpapi.New(stack, "Api", &httpapi.Props{Handler: fn, Routes: keys("ANY /items/{proxy+}", "GET /public"),
		RouteOptions: httpapi.RouteOptions{Authorizer: &httpapi.IAMAuthorizer{}}, Cors: &httpapi.Cors{AllowOrigins: []string{"*"}}})
	got := map[string]string{}
	for _, r := range resources(toJSON(stack), "AWS::ApiGatewayV2::Route") {
		got[props(r)["RouteKey"].(string)] = props(r)["AuthorizationType"].(string)
	}
	if got["OPTIONS /items/{proxy+}"] != "NONE" || len(got) != 3 {
		t.Errorf("routes %v: want an unauthenticated OPTIONS /items/{proxy+} and nothing else added", got)
	}
	// Without CORS nothing is added.
	stack = newStack()
	fn = inlineFunction(stack, "Fn", 10*time.Second)
	httpapi.New(stack, "Api", &httpapi.Props{Handler: fn, Routes: keys("ANY /items/{proxy+}"), RouteOptions: httpapi.RouteOptions{Authorizer: &httpapi.IAMAuthorizer{}}})
	if n := len(resources(toJSON(stack), "AWS::ApiGatewayV2::Route")); n != 1 {
		t.Errorf("%d routes without CORS, want 1", n)
	}
}

func TestCustomDomain(t *testing.T) {
	tpl, j := production(t)
	assert(t, func() {
		tpl.HasResourceProperties(jsii.String("AWS::CertificateManager::Certificate"), map[string]any{
			"DomainName": "api.example.com", "ValidationMethod": "DNS",
			"DomainValidationOptions": []any{map[string]any{"DomainName": "api.example.com", "HostedZoneId": "Z0123456789EXAMPLE"}},
		})
	})
	assert(t, func() {
		tpl.HasResourceProperties(jsii.String("AWS::ApiGatewayV2::DomainName"), map[string]any{"DomainName": "api.example.com"})
	})
	assert(t, func() { tpl.ResourceCountIs(jsii.String("AWS::ApiGatewayV2::ApiMapping"), jsii.Number(2)) })
	assert(t, func() {
		tpl.HasResourceProperties(jsii.String("AWS::ApiGatewayV2::ApiMapping"), map[string]any{"ApiMappingKey": "dev"})
	})
	assert(t, func() {
		tpl.HasResourceProperties(jsii.String("AWS::Route53::RecordSet"), map[string]any{
			"Name": "api.example.com.", "Type": "A", "HostedZoneId": "Z0123456789EXAMPLE",
			"AliasTarget": assertions.Match_ObjectLike(&map[string]any{"DNSName": assertions.Match_AnyValue()}),
		})
	})
	var urls []string
	for _, o := range j["Outputs"].(map[string]any) {
		urls = append(urls, joinText(o.(map[string]any)["Value"]))
	}
	if !slices.Contains(urls, "https://api.example.com/") {
		t.Errorf("no custom URL output in %q", urls)
	}
	// Bring-your-own certificate, mutual TLS, and no execute-api endpoint.
	stack := newStack()
	fn := inlineFunction(stack, "Fn", 10*time.Second)
	api := httpapi.New(stack, "Api", &httpapi.Props{Handler: fn, Routes: keys("GET /"), DisableExecuteAPIEndpoint: true})
	cert := awscertificatemanager.Certificate_FromCertificateArn(stack, jsii.String("Cert"), jsii.String("arn:aws:acm:us-east-1:123456789012:certificate/abc"))
	bucket := awss3.Bucket_FromBucketName(stack, jsii.String("Trust"), jsii.String("truststore-bucket"))
	api.AddDomain("Domain", &httpapi.DomainOptions{Name: "mtls.example.com", Certificate: cert, MutualTLS: &httpapi.MutualTLS{Bucket: bucket, Key: "ca.pem"}})
	tpl = assertions.Template_FromStack(stack, nil)
	assert(t, func() {
		tpl.HasResourceProperties(jsii.String("AWS::ApiGatewayV2::DomainName"), map[string]any{
			"MutualTlsAuthentication": map[string]any{"TruststoreUri": "s3://truststore-bucket/ca.pem"},
		})
	})
	assert(t, func() { tpl.ResourceCountIs(jsii.String("AWS::CertificateManager::Certificate"), jsii.Number(0)) })
	assert(t, func() {
		tpl.HasResourceProperties(jsii.String("AWS::ApiGatewayV2::Api"), map[string]any{"DisableExecuteApiEndpoint": true})
	})
	if out := toJSON(stack)["Outputs"].(map[string]any); len(out) != 1 {
		t.Errorf("outputs %v: with the execute-api endpoint off only the domain URL is output", out)
	}
}

func TestPerRouteSettings(t *testing.T) {
	tpl, _ := production(t)
	settings := map[string]any{
		"GET /hello": map[string]any{"DetailedMetricsEnabled": true},
		"POST /echo": map[string]any{"ThrottlingBurstLimit": 5, "ThrottlingRateLimit": 10},
	}
	for _, stage := range []string{"$default", "dev"} {
		assert(t, func() {
			tpl.HasResourceProperties(jsii.String("AWS::ApiGatewayV2::Stage"), map[string]any{"StageName": stage, "RouteSettings": settings})
		})
	}
	// The stages name those routes, so CloudFormation must create them first.
	_, j := production(t)
	for id, st := range resources(j, "AWS::ApiGatewayV2::Stage") {
		deps := fmt.Sprint(st["DependsOn"])
		if !strings.Contains(deps, "GEThello") || !strings.Contains(deps, "POSTecho") {
			t.Errorf("stage %s DependsOn %s, want the routes with settings", id, deps)
		}
	}
	// Per-route payload format and timeout: one integration per function and options.
	stack := newStack()
	fn := inlineFunction(stack, "Fn", 3*time.Second)
	httpapi.New(stack, "Api", &httpapi.Props{Handler: fn, Routes: keys("GET /a", "GET /b", "GET /c"),
		RouteOverrides: map[route.Key]httpapi.RouteOptions{
			route.MustParse("GET /b"): {PayloadFormat: httpapi.PayloadFormatV1},
			route.MustParse("GET /c"): {IntegrationTimeout: 5 * time.Second},
		}})
	tpl = assertions.Template_FromStack(stack, nil)
	assert(t, func() { tpl.ResourceCountIs(jsii.String("AWS::ApiGatewayV2::Integration"), jsii.Number(3)) })
	assert(t, func() {
		tpl.HasResourceProperties(jsii.String("AWS::ApiGatewayV2::Integration"), map[string]any{"PayloadFormatVersion": "1.0", "TimeoutInMillis": assertions.Match_Absent()})
	})
	assert(t, func() {
		tpl.HasResourceProperties(jsii.String("AWS::ApiGatewayV2::Integration"), map[string]any{"PayloadFormatVersion": "2.0", "TimeoutInMillis": 5000})
	})
	// No per-route settings: no RouteSettings at all.
	assert(t, func() {
		assertions.Template_FromStack(reference(t, "HttpApiReference").Stack, nil).HasResourceProperties(jsii.String("AWS::ApiGatewayV2::Stage"),
			map[string]any{"RouteSettings": assertions.Match_Absent()})
	})
}

// TestCrossStackWithAuthorizers: routes added from another stack with
// authorizers keep those authorizers in their own stack.
func TestCrossStackWithAuthorizers(t *testing.T) {
	a := newApp()
	shared := awscdk.NewStack(a, jsii.String("Shared"), nil)
	jwt := &httpapi.JWTAuthorizer{Issuer: "https://auth.example.com", Audiences: []string{"x"}}
	api := httpapi.New(shared, "Api", &httpapi.Props{Handler: inlineFunction(shared, "Fn", time.Second), Routes: keys("GET /a"),
		RouteOptions: httpapi.RouteOptions{Authorizer: jwt}})
	service := awscdk.NewStack(a, jsii.String("Service"), nil)
	fn := inlineFunction(service, "Fn", time.Second)
	authFn := inlineFunction(service, "AuthFn", time.Second)
	routes := httpapi.NewRoutes(service, "Routes", &httpapi.RoutesProps{API: api.HttpApi(), Handler: fn, Routes: keys("GET /b"),
		RouteOptions: httpapi.RouteOptions{Authorizer: jwt}})
	routes.AddRoutes(fn, keys("GET /c"), &httpapi.RouteOptions{Authorizer: &httpapi.LambdaAuthorizer{Function: authFn}})
	sj, svc := toJSON(shared), toJSON(service)
	if n := len(resources(sj, "AWS::ApiGatewayV2::Authorizer")); n != 1 {
		t.Errorf("the shared stack has %d authorizers, want its own one", n)
	}
	if n := len(resources(svc, "AWS::ApiGatewayV2::Authorizer")); n != 2 {
		t.Errorf("the service stack has %d authorizers, want 2 (JWT and Lambda)", n)
	}
}

func TestCrossStack(t *testing.T) {
	service := reference(t, "HttpApiService")
	var shared awscdk.Stack
	for _, s := range allStacks() {
		if *s.StackName() == "HttpApiShared" {
			shared = s
		}
	}
	sj, j := toJSON(shared), toJSON(service.Stack)
	out := sj["Outputs"].(map[string]any)["HttpApiId"].(map[string]any)
	if out["Export"].(map[string]any)["Name"] != "HttpApiShared-HttpApiId" {
		t.Errorf("shared API export %v", out)
	}
	if n := len(resources(j, "AWS::ApiGatewayV2::Api")); n != 0 {
		t.Errorf("the service stack defines %d APIs, want none", n)
	}
	for _, typ := range []string{"AWS::ApiGatewayV2::Route", "AWS::ApiGatewayV2::Integration"} {
		for _, r := range resources(j, typ) {
			if imp, _ := props(r)["ApiId"].(map[string]any)["Fn::ImportValue"].(string); imp != "HttpApiShared-HttpApiId" {
				t.Errorf("%s ApiId %v, want the shared export", typ, props(r)["ApiId"])
			}
		}
	}
	for _, p := range resources(j, "AWS::Lambda::Permission") {
		if arn := joinText(props(p)["SourceArn"]); !strings.Contains(arn, "HttpApiShared-HttpApiId") {
			t.Errorf("permission SourceArn %s does not name the shared API", arn)
		}
	}
	deps := service.Dependencies()
	if len(*deps) != 1 || *(*deps)[0].StackName() != "HttpApiShared" {
		t.Errorf("service stack dependencies: %d", len(*deps))
	}
}

func TestAlarms(t *testing.T) {
	tpl, j := production(t)
	assert(t, func() { tpl.ResourceCountIs(jsii.String("AWS::CloudWatch::Alarm"), jsii.Number(12)) })
	assert(t, func() { tpl.ResourceCountIs(jsii.String("AWS::CloudWatch::Dashboard"), jsii.Number(1)) })
	thresholds := map[float64]int{}
	for _, a := range resources(j, "AWS::CloudWatch::Alarm") {
		p := props(a)
		thresholds[p["Threshold"].(float64)]++
		if actions := p["AlarmActions"].([]any); len(actions) != 1 || !strings.Contains(joinText(actions[0]), "AlarmTopic") {
			t.Errorf("alarm actions %v", actions)
		}
		if p["TreatMissingData"] != "notBreaching" {
			t.Errorf("TreatMissingData %v", p["TreatMissingData"])
		}
	}
	// 5xx rate 1 %, 4xx rate 10 %, p99 2000 ms; for each of the three
	// functions errors and throttles > 0, duration 80 % of its timeout
	// (10 s, 3 s, 3 s).
	want := map[float64]int{0.01: 1, 0.1: 1, 2000: 1, 0: 6, 8000: 1, 2400: 2}
	for k, v := range want {
		if thresholds[k] != v {
			t.Errorf("thresholds %v, want %v", thresholds, want)
			break
		}
	}
}

// TestPreflightRoutesBeyondTheQuota: found at synthesis (in the aspect),
// the error is an annotation that fails synthesis, not a panic.
func TestPreflightRoutesBeyondTheQuota(t *testing.T) {
	ctx := cdkContext()
	ctx["@aws-cdk/core:annotationsInValidationReport"] = false // to read the error rather than fail on it
	s := awscdk.NewStack(awscdk.NewApp(&awscdk.AppProps{Context: &ctx}), jsii.String("Test"), nil)
	var ks []route.Key
	for i := range httpapi.MaxRoutes {
		ks = append(ks, route.Key{Method: "ANY", Path: fmt.Sprintf("/r%d", i)})
	}
	httpapi.New(s, "Api", &httpapi.Props{Handler: inlineFunction(s, "Fn", time.Second), Routes: ks,
		RouteOptions: httpapi.RouteOptions{Authorizer: &httpapi.IAMAuthorizer{}}, Cors: &httpapi.Cors{AllowOrigins: []string{"*"}}})
	assert(t, func() {
		assertions.Annotations_FromStack(s).HasError(jsii.String("/Test/Api"), assertions.Match_StringLikeRegexp(jsii.String(
			".*600 routes, with 300 OPTIONS routes added for CORS preflights, exceed the HTTP API quota of 300 routes per API.*")))
	})
}

// TestWarnings: configurations that deploy but cannot work as meant are
// warned about (annotations with an id), and their working counterparts are
// not.
func TestWarnings(t *testing.T) {
	warns := func(s awscdk.Stack, id string) []string {
		var out []string
		for _, m := range *assertions.Annotations_FromStack(s).FindWarning(jsii.String("*"), assertions.Match_StringLikeRegexp(jsii.String(".*\\[ack: "+id+"\\].*"))) {
			out = append(out, *m.Id+": "+fmt.Sprint(m.Entry.Data))
		}
		return out
	}
	for _, tc := range []struct {
		name, id string
		run      func(s awscdk.Stack)
		want     string // "" for no warning
	}{
		{"slow Lambda authorizer", "httpapi:AuthorizerTimeout", func(s awscdk.Stack) {
			newAPI(s, httpapi.RouteOptions{Authorizer: &httpapi.LambdaAuthorizer{Function: inlineFunction(s, "Auth", 15*time.Second)}})
		}, "/Test/Api: httpapi: LambdaAuthorizer.Function Test/Auth has a timeout of 15s, but API Gateway waits at most 10s for an authorizer: " +
			"a slower decision fails the request; use a function timeout of at most 10s"},
		{"Lambda authorizer within the wait", "httpapi:AuthorizerTimeout", func(s awscdk.Stack) {
			newAPI(s, httpapi.RouteOptions{Authorizer: &httpapi.LambdaAuthorizer{Function: inlineFunction(s, "Auth", 10*time.Second)}})
		}, ""},
		{"no endpoint", "httpapi:NoEndpoint", func(s awscdk.Stack) {
			httpapi.New(s, "Api", &httpapi.Props{Handler: inlineFunction(s, "Fn", time.Second), Routes: keys("GET /"), DisableExecuteAPIEndpoint: true})
		}, "/Test/Api: httpapi: DisableExecuteAPIEndpoint is set and the API has no custom domain (AddDomain): no client can reach it"},
		{"no execute-api endpoint but a domain", "httpapi:NoEndpoint", func(s awscdk.Stack) {
			api := httpapi.New(s, "Api", &httpapi.Props{Handler: inlineFunction(s, "Fn", time.Second), Routes: keys("GET /"), DisableExecuteAPIEndpoint: true})
			cert := awscertificatemanager.Certificate_FromCertificateArn(s, jsii.String("C"), jsii.String("arn:aws:acm:us-east-1:1:certificate/x"))
			api.AddDomain("D", &httpapi.DomainOptions{Name: "api.example.com", Certificate: cert})
		}, ""},
		{"dual-stack API behind IPv4 domains only", "httpapi:NoIPv6Endpoint", func(s awscdk.Stack) {
			api := httpapi.New(s, "Api", &httpapi.Props{IPAddressType: httpapi.DualStack, DisableExecuteAPIEndpoint: true})
			cert := awscertificatemanager.Certificate_FromCertificateArn(s, jsii.String("C"), jsii.String("arn:aws:acm:us-east-1:1:certificate/x"))
			api.AddDomain("D", &httpapi.DomainOptions{Name: "api.example.com", Certificate: cert, IPAddressType: httpapi.IPv4})
		}, "/Test/Api: httpapi: IPAddressType is DualStack but DisableExecuteAPIEndpoint is set and every custom domain is IPv4: no IPv6 client can reach the API; make a domain DualStack (DomainOptions.IPAddressType)"},
		{"dual-stack API behind a domain of its type", "httpapi:NoIPv6Endpoint", func(s awscdk.Stack) {
			api := httpapi.New(s, "Api", &httpapi.Props{IPAddressType: httpapi.DualStack, DisableExecuteAPIEndpoint: true})
			cert := awscertificatemanager.Certificate_FromCertificateArn(s, jsii.String("C"), jsii.String("arn:aws:acm:us-east-1:1:certificate/x"))
			api.AddDomain("D", &httpapi.DomainOptions{Name: "api.example.com", Certificate: cert})
		}, ""},
		{"handler without routes", "httpapi:HandlerWithoutRoutes", func(s awscdk.Stack) {
			httpapi.New(s, "Api", &httpapi.Props{Handler: inlineFunction(s, "Fn", time.Second)})
		}, "/Test/Api: httpapi: Handler Test/Fn is set but Routes is empty: it serves nothing; list its routes in Routes, or add them with AddRoutes and leave Handler unset"},
		{"alarms without action", "httpapi:AlarmsWithoutAction", func(s awscdk.Stack) {
			newAPI(s, httpapi.RouteOptions{}).AddAlarms("Alarms", nil)
		}, "/Test/Api/Alarms: httpapi: AlarmOptions.Topic is not set: the alarms change state but notify no one; set a Topic, or add actions to Alarms()"},
		{"alarms with a topic", "httpapi:AlarmsWithoutAction", func(s awscdk.Stack) {
			newAPI(s, httpapi.RouteOptions{}).AddAlarms("Alarms", &httpapi.AlarmOptions{Topic: awssns.NewTopic(s, jsii.String("T"), nil)})
		}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newStack()
			tc.run(s)
			got := warns(s, tc.id)
			var want []string
			if tc.want != "" {
				want = []string{tc.want + " [ack: " + tc.id + "]"}
			}
			if !slices.Equal(got, want) {
				t.Errorf("warnings %s:\n  %q\nwant\n  %q", tc.id, got, want)
			}
		})
	}
}

// TestAlarmsCoverFunctionsAddedLater: AddAlarms before AddRoutes still
// watches the function added afterwards, on its alarms and its dashboard.
func TestAlarmsCoverFunctionsAddedLater(t *testing.T) {
	s := newStack()
	api := newAPI(s, httpapi.RouteOptions{})
	alarms := api.AddAlarms("Alarms", &httpapi.AlarmOptions{Topic: awssns.NewTopic(s, jsii.String("T"), nil), Dashboard: true})
	late := inlineFunction(s, "Late", 4*time.Second)
	api.AddRoutes(late, keys("GET /late"), nil)
	j := toJSON(s)
	var descriptions []string
	for _, a := range resources(j, "AWS::CloudWatch::Alarm") {
		descriptions = append(descriptions, props(a)["AlarmDescription"].(string))
	}
	slices.Sort(descriptions)
	want := []string{
		"Errors of Test/Fn", "Errors of Test/Late", "More than 1.0% of requests answered 5xx", "More than 10.0% of requests answered 4xx",
		"Throttled invocations of Test/Fn", "Throttled invocations of Test/Late", "p99 duration of Test/Fn above 80% of its 1s timeout",
		"p99 duration of Test/Late above 80% of its 4s timeout", "p99 latency above 2s",
	}
	if !slices.Equal(descriptions, want) {
		t.Errorf("alarms\n  %q\nwant\n  %q", descriptions, want)
	}
	if n := len(alarms.Alarms()); n != len(want) {
		t.Errorf("Alarms() returns %d alarms after synthesis, want %d", n, len(want))
	}
	for _, d := range resources(j, "AWS::CloudWatch::Dashboard") {
		body := joinText(props(d)["DashboardBody"])
		for _, fn := range []string{"Fn", "Late"} {
			if !regexp.MustCompile(`"FunctionName","\{` + fn + `[0-9A-F]{8}\}"`).MatchString(body) {
				t.Errorf("the dashboard does not graph function %s: %s", fn, body)
			}
		}
	}
}

// TestGrantInvokeWarnsWithoutIAM: API Gateway checks execute-api:Invoke
// only on IAM-authorized routes, so a grant on any other route changes
// nothing and GrantInvoke says so; the grant itself is unchanged.
func TestGrantInvokeWarnsWithoutIAM(t *testing.T) {
	stack := newStack()
	api := httpapi.New(stack, "Api", &httpapi.Props{
		Handler: inlineFunction(stack, "Fn", time.Second), Routes: keys("GET /public", "GET /signed", "$default"),
		RouteOverrides: map[route.Key]httpapi.RouteOptions{route.MustParse("GET /signed"): {Authorizer: &httpapi.IAMAuthorizer{}}},
	})
	role := awsiam.NewRole(stack, jsii.String("R"), &awsiam.RoleProps{AssumedBy: awsiam.NewAccountRootPrincipal()})
	api.GrantInvoke(role, keys("GET /public", "GET /signed", "$default")...)
	ann := assertions.Annotations_FromStack(stack)
	for _, k := range []string{"GET /public", "$default"} {
		assert(t, func() {
			ann.HasWarning(jsii.String("/Test/Api"), assertions.Match_StringLikeRegexp(jsii.String(
				`.*GrantInvoke: route "`+regexp.QuoteMeta(k)+`" has authorization type NONE, not an IAMAuthorizer.*httpapi:GrantInvokeNotIAM.*`)))
		})
	}
	if n := len(*ann.FindWarning(jsii.String("*"), assertions.Match_StringLikeRegexp(jsii.String(".*GrantInvoke: route.*")))); n != 2 {
		t.Errorf("%d GrantInvoke warnings, want 2 (none for the IAM-authorized GET /signed)", n)
	}
	var granted []string
	for _, p := range resources(toJSON(stack), "AWS::IAM::Policy") {
		for _, st := range props(p)["PolicyDocument"].(map[string]any)["Statement"].([]any) {
			for _, r := range st.(map[string]any)["Resource"].([]any) {
				s := joinText(r)
				granted = append(granted, s[strings.LastIndex(s, "}")+1:])
			}
		}
	}
	slices.Sort(granted)
	if want := []string{"/*/*", "/*/GET/public", "/*/GET/signed"}; !slices.Equal(granted, want) {
		t.Errorf("granted resources %q, want %q", granted, want)
	}
}

// TestRoutesAcrossConstructs: the constructs that add routes to one HTTP API
// (the API and Routes, in any stack) refuse together a key added twice and
// keys API Gateway cannot tell apart, however they name the API: by its id
// token (API.HttpApi()), through an export and its import, or by a literal
// id. Routes of different APIs do not collide.
func TestRoutesAcrossConstructs(t *testing.T) {
	type setup struct {
		app             awscdk.App
		shared, service awscdk.Stack
		api             httpapi.API
	}
	newSetup := func() *setup {
		s := &setup{app: newApp()}
		s.shared = awscdk.NewStack(s.app, jsii.String("Shared"), nil)
		s.api = httpapi.New(s.shared, "Api", &httpapi.Props{Handler: inlineFunction(s.shared, "Fn", time.Second), Routes: keys("GET /todos/{id}")})
		awscdk.NewCfnOutput(s.shared, jsii.String("HttpApiId"), &awscdk.CfnOutputProps{Value: s.api.HttpApi().ApiId(), ExportName: jsii.String("Shared-HttpApiId")})
		s.service = awscdk.NewStack(s.app, jsii.String("Service"), nil)
		return s
	}
	imported := func(s *setup, id string) awsapigatewayv2.IHttpApi {
		return awsapigatewayv2.HttpApi_FromHttpApiAttributes(s.service, jsii.String(id), &awsapigatewayv2.HttpApiAttributes{
			HttpApiId: awscdk.Fn_ImportValue(jsii.String("Shared-HttpApiId"))})
	}
	addRoutes := func(s *setup, id string, api awsapigatewayv2.IHttpApi, ks ...string) {
		httpapi.NewRoutes(s.service, id, &httpapi.RoutesProps{API: api, Handler: inlineFunction(s.service, id+"Fn", time.Second), Routes: keys(ks...)})
	}
	for _, tc := range []struct {
		name string
		run  func(s *setup)
		want string
	}{
		{"same key through HttpApi()", func(s *setup) {
			addRoutes(s, "Routes", s.api.HttpApi(), "GET /todos/{id}")
		}, `httpapi: Routes: route "GET /todos/{id}" is added to one HTTP API twice, by Shared/Api and by Service/Routes: each route key may appear once per API`},
		{"ambiguous key through an export", func(s *setup) {
			addRoutes(s, "Routes", imported(s, "Imported"), "GET /todos/{todoId}")
		}, `httpapi: Routes: route "GET /todos/{id}" of Shared/Api and route "GET /todos/{todoId}" of Service/Routes, on one HTTP API, differ only in variable names: API Gateway cannot tell them apart; name the variables alike`},
		{"API.AddRoutes after Routes", func(s *setup) {
			addRoutes(s, "Routes", s.api.HttpApi(), "ANY /files/{proxy+}")
			s.api.AddRoutes(inlineFunction(s.shared, "Other", time.Second), keys("ANY /files/{rest+}"), nil)
		}, `httpapi: Routes: route "ANY /files/{proxy+}" of Service/Routes and route "ANY /files/{rest+}" of Shared/Api, on one HTTP API, differ only in variable names: API Gateway cannot tell them apart; name the variables alike`},
		{"two Routes importing one export", func(s *setup) {
			addRoutes(s, "A", imported(s, "ImportA"), "GET /b")
			addRoutes(s, "B", imported(s, "ImportB"), "GET /b")
		}, `httpapi: Routes: route "GET /b" is added to one HTTP API twice, by Service/A and by Service/B: each route key may appear once per API`},
		{"two Routes with one literal id", func(s *setup) {
			for _, id := range []string{"A", "B"} {
				api := awsapigatewayv2.HttpApi_FromHttpApiAttributes(s.service, jsii.String("Import"+id), &awsapigatewayv2.HttpApiAttributes{HttpApiId: jsii.String("abc123")})
				addRoutes(s, id, api, "GET /b")
			}
		}, `httpapi: Routes: route "GET /b" is added to one HTTP API twice, by Service/A and by Service/B: each route key may appear once per API`},
		{"another API", func(s *setup) {
			other := httpapi.New(s.service, "Other", &httpapi.Props{Handler: inlineFunction(s.service, "Fn", time.Second), Routes: keys("GET /x")})
			addRoutes(s, "Routes", other.HttpApi(), "GET /todos/{id}")
			lit := awsapigatewayv2.HttpApi_FromHttpApiAttributes(s.service, jsii.String("LiteralApi"), &awsapigatewayv2.HttpApiAttributes{HttpApiId: jsii.String("abc123")})
			addRoutes(s, "Literal", lit, "GET /todos/{id}")
		}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := panicMessage(func() { tc.run(newSetup()) }); got != tc.want {
				t.Errorf("panicked with\n  %q\nwant\n  %q", got, tc.want)
			}
		})
	}
	// The same import in another app is another API.
	a, b := newSetup(), newSetup()
	addRoutes(a, "Routes", imported(a, "Imported"), "GET /b")
	if got := panicMessage(func() { addRoutes(b, "Routes", imported(b, "Imported"), "GET /b") }); got != "" {
		t.Errorf("routes of another app collided: %s", got)
	}
}
