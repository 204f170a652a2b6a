// Stages (named and $default), their throttles and access logs: templates, and the invalid props of constructs/httpapi/stage.go.

package test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsroute53"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/jsii-runtime-go"

	"github.com/httpapi-cdk/httpapi/constructs/httpapi"
	"github.com/httpapi-cdk/httpapi/quota"
	"github.com/httpapi-cdk/httpapi/route"
)

// stagesByName returns the template's stages by StageName.
func stagesByName(tpl map[string]any) map[string]map[string]any {
	out := map[string]map[string]any{}
	for id, r := range resources(tpl, "AWS::ApiGatewayV2::Stage") {
		p := props(r)
		p["logicalId"] = id
		out[p["StageName"].(string)] = p
	}
	return out
}

// outputURLs returns the stack's outputs by id, as joinText.
func outputURLs(tpl map[string]any) map[string]string {
	out := map[string]string{}
	outputs, _ := tpl["Outputs"].(map[string]any)
	for id, o := range outputs {
		out[id] = joinText(o.(map[string]any)["Value"])
	}
	return out
}

// TestDefaultStageOptions: Props.DefaultStage configures $default like a
// named stage, and an empty DefaultStage changes nothing.
func TestDefaultStageOptions(t *testing.T) {
	stack := newStack()
	fn := inlineFunction(stack, "Fn", time.Second)
	httpapi.New(stack, "Api", &httpapi.Props{Handler: fn, Routes: keys("GET /a"),
		DefaultStage: &httpapi.StageOptions{
			Variables: map[string]string{"table": "prod-table"}, Description: "live traffic",
			Throttle: httpapi.Throttle{RateLimit: 50, BurstLimit: 20}, ManualDeploy: true,
		},
		Stages: []httpapi.StageOptions{{Name: "dev"}},
	})
	st := stagesByName(toJSON(stack))
	d := st["$default"]
	if d == nil {
		t.Fatalf("no $default stage in %v", st)
	}
	if got := d["StageVariables"]; !equalJSON(got, map[string]any{"table": "prod-table"}) {
		t.Errorf("$default StageVariables = %v", got)
	}
	if d["Description"] != "live traffic" || d["AutoDeploy"] != false {
		t.Errorf("$default Description %v, AutoDeploy %v", d["Description"], d["AutoDeploy"])
	}
	if got := d["DefaultRouteSettings"]; !equalJSON(got, map[string]any{"ThrottlingRateLimit": 50, "ThrottlingBurstLimit": 20}) {
		t.Errorf("$default DefaultRouteSettings = %v", got)
	}
	if _, ok := d["AccessLogSettings"]; !ok {
		t.Error("$default stage lost its access logs")
	}
	if dev := st["dev"]; dev["StageVariables"] != nil || dev["AutoDeploy"] != true ||
		!equalJSON(dev["DefaultRouteSettings"], map[string]any{"ThrottlingRateLimit": 1000, "ThrottlingBurstLimit": 500}) {
		t.Errorf("dev stage picked up $default's settings: %v", dev)
	}

	// Name "$default" is accepted; an empty DefaultStage is the default.
	for _, opts := range []*httpapi.StageOptions{{Name: "$default"}, {}} {
		s1, s2 := newStack(), newStack()
		httpapi.New(s1, "Api", &httpapi.Props{DefaultStage: opts})
		httpapi.New(s2, "Api", nil)
		if a, b := stagesByName(toJSON(s1))["$default"], stagesByName(toJSON(s2))["$default"]; !equalJSON(a, b) {
			t.Errorf("DefaultStage %+v: $default stage\n  %v\nwant\n  %v", opts, a, b)
		}
	}
}

// TestNamedStagesOnly: with NoDefaultStage the API has only its named
// stages; outputs, URL(), domains, permissions, per-route settings and
// alarms follow.
func TestNamedStagesOnly(t *testing.T) {
	stack := newStack()
	fn := inlineFunction(stack, "Fn", time.Second)
	api := httpapi.New(stack, "Api", &httpapi.Props{Handler: fn, Routes: keys("GET /items/{id}", "$default"),
		NoDefaultStage: true,
		Stages:         []httpapi.StageOptions{{Name: "v1", Variables: map[string]string{"version": "1"}}, {Name: "v2"}},
		RouteOverrides: map[route.Key]httpapi.RouteOptions{route.MustParse("GET /items/{id}"): {Throttle: httpapi.Throttle{RateLimit: 5, BurstLimit: 5}}},
	})
	zone := awsroute53.HostedZone_FromHostedZoneAttributes(stack, jsii.String("Zone"), &awsroute53.HostedZoneAttributes{
		HostedZoneId: jsii.String("Z1"), ZoneName: jsii.String("example.com"),
	})
	api.AddDomain("Domain", &httpapi.DomainOptions{Name: "api.example.com", HostedZone: zone})
	api.AddAlarms("Alarms", &httpapi.AlarmOptions{Topic: awssns.NewTopic(stack, jsii.String("T"), nil)})
	tpl := toJSON(stack)

	st := stagesByName(tpl)
	if len(st) != 2 || st["v1"] == nil || st["v2"] == nil {
		t.Fatalf("stages %v, want v1 and v2 only", slices.Sorted(maps.Keys(st)))
	}
	// Without $default, the quota's 10 stages may all be named.
	var ten []httpapi.StageOptions
	for i := range quota.StagesPerAPI {
		ten = append(ten, httpapi.StageOptions{Name: fmt.Sprintf("s%d", i)})
	}
	if msg := panicMessage(func() { httpapi.New(newStack(), "Api", &httpapi.Props{NoDefaultStage: true, Stages: ten}) }); msg != "" {
		t.Errorf("%d named stages without $default: %s", len(ten), msg)
	}
	if api.Stage("$default") != nil {
		t.Error(`Stage("$default") is not nil`)
	}
	if names := stageNames(api.Stages()); !slices.Equal(names, []string{"v1", "v2"}) {
		t.Errorf("Stages() = %q", names)
	}
	// Outputs: no "Url" without $default.
	urls := outputURLs(tpl)
	var ids []string
	for id := range urls {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	if len(ids) != 3 || !strings.HasPrefix(ids[0], "ApiDomainUrl") || !strings.HasPrefix(ids[1], "Apiv1Url") || !strings.HasPrefix(ids[2], "Apiv2Url") {
		t.Errorf("outputs %q, want the domain's, v1's and v2's URLs only", ids)
	}
	// URL() is v1's.
	if got := joinText(stack.Resolve(api.URL())); !strings.HasSuffix(got, "/v1") || !strings.Contains(got, "execute-api") {
		t.Errorf("URL() = %q, want the v1 stage's URL", got)
	}
	// The domain maps v1 at the root.
	maps := resources(tpl, "AWS::ApiGatewayV2::ApiMapping")
	if len(maps) != 1 {
		t.Fatalf("%d API mappings, want 1", len(maps))
	}
	for _, m := range maps {
		p := props(m)
		if p["Stage"] != "v1" || p["ApiMappingKey"] != nil {
			t.Errorf("mapping %v, want stage v1 at the root", p)
		}
	}
	// Permissions: any stage (the source ARNs' stage is "*").
	var arns []string
	for _, p := range resources(tpl, "AWS::Lambda::Permission") {
		arn := joinText(props(p)["SourceArn"])
		_, resource, _ := strings.Cut(arn, "}/") // after the API id
		arns = append(arns, resource)
	}
	slices.Sort(arns)
	if want := []string{"*/$default", "*/GET/items/*"}; !slices.Equal(arns, want) {
		t.Errorf("permission SourceArn resources %q, want %q", arns, want)
	}
	// Per-route throttle lands on both named stages.
	for _, name := range []string{"v1", "v2"} {
		if rs := st[name]["RouteSettings"]; !equalJSON(rs, map[string]any{"GET /items/{id}": map[string]any{"ThrottlingRateLimit": 5, "ThrottlingBurstLimit": 5}}) {
			t.Errorf("stage %s RouteSettings = %v", name, rs)
		}
	}
	// Alarms watch the API on every stage: the ApiId dimension alone.
	apiAlarms := 0
	for id, a := range resources(tpl, "AWS::CloudWatch::Alarm") {
		p := props(a)
		var dims []any
		if d, ok := p["Dimensions"].([]any); ok { // a plain metric
			dims = append(dims, d)
		}
		metrics, _ := p["Metrics"].([]any) // a math expression
		for _, m := range metrics {
			if stat, ok := m.(map[string]any)["MetricStat"].(map[string]any); ok {
				dims = append(dims, stat["Metric"].(map[string]any)["Dimensions"])
			}
		}
		for _, d := range dims {
			d := d.([]any)
			if name := d[0].(map[string]any)["Name"]; name == "FunctionName" {
				continue
			}
			apiAlarms++
			if len(d) != 1 || d[0].(map[string]any)["Name"] != "ApiId" {
				t.Errorf("alarm %s dimensions %v, want ApiId only", id, d)
			}
		}
	}
	if apiAlarms < 3 {
		t.Errorf("%d API metrics in alarms, want the 5xx, 4xx and latency alarms' at least", apiAlarms)
	}
}

// equalJSON reports whether a and b marshal to the same JSON.
func equalJSON(a, b any) bool {
	ja, errA := json.Marshal(a)
	jb, errB := json.Marshal(b)
	return errA == nil && errB == nil && bytes.Equal(ja, jb)
}

func stageNames(stages []awsapigatewayv2.HttpStage) []string {
	var out []string
	for _, s := range stages {
		out = append(out, *s.StageName())
	}
	return out
}

// TestDualStackAPIAndDomain: IPAddressType reaches the API and, by
// default, its domains; a DualStack domain in a hosted zone gets an AAAA
// alias next to its A alias; an IPv4 domain of a DualStack API gets none.
func TestDualStackAPIAndDomain(t *testing.T) {
	tpl, j := production(t)
	assert(t, func() {
		tpl.HasResourceProperties(jsii.String("AWS::ApiGatewayV2::Api"), map[string]any{"IpAddressType": "dualstack"})
	})
	assert(t, func() {
		tpl.HasResourceProperties(jsii.String("AWS::ApiGatewayV2::DomainName"), map[string]any{
			"DomainName":               "api.example.com",
			"DomainNameConfigurations": []any{assertions.Match_ObjectLike(&map[string]any{"IpAddressType": "dualstack"})},
		})
	})
	records := map[string]map[string]any{}
	for _, r := range resources(j, "AWS::Route53::RecordSet") {
		p := props(r)
		records[p["Type"].(string)] = p
	}
	a, aaaa := records["A"], records["AAAA"]
	if a == nil || aaaa == nil || len(records) != 2 {
		t.Fatalf("record sets %v, want one A and one AAAA", slices.Sorted(maps.Keys(records)))
	}
	if aaaa["Name"] != "api.example.com." || aaaa["HostedZoneId"] != "Z0123456789EXAMPLE" || !equalJSON(aaaa["AliasTarget"], a["AliasTarget"]) {
		t.Errorf("AAAA record %v, want the A record's name, zone and alias target %v", aaaa, a["AliasTarget"])
	}

	// The API's type is only the domains' default.
	stack := newStack()
	api := httpapi.New(stack, "Api", &httpapi.Props{IPAddressType: httpapi.DualStack})
	zone := awsroute53.HostedZone_FromHostedZoneAttributes(stack, jsii.String("Zone"), &awsroute53.HostedZoneAttributes{
		HostedZoneId: jsii.String("Z1"), ZoneName: jsii.String("example.com"),
	})
	api.AddDomain("V4", &httpapi.DomainOptions{Name: "v4.example.com", HostedZone: zone, IPAddressType: httpapi.IPv4})
	tj := toJSON(stack)
	for _, r := range resources(tj, "AWS::Route53::RecordSet") {
		if typ := props(r)["Type"]; typ != "A" {
			t.Errorf("IPv4 domain has a %v record", typ)
		}
	}
	for _, d := range resources(tj, "AWS::ApiGatewayV2::DomainName") {
		if c := props(d)["DomainNameConfigurations"].([]any)[0].(map[string]any); c["IpAddressType"] != "ipv4" {
			t.Errorf("domain IpAddressType %v, want ipv4", c["IpAddressType"])
		}
	}

	// Unset: no IpAddressType anywhere (API Gateway's default, IPv4), and
	// a DualStack domain on an IPv4 API.
	stack = newStack()
	api = httpapi.New(stack, "Api", nil)
	zone = awsroute53.HostedZone_FromHostedZoneAttributes(stack, jsii.String("Zone"), &awsroute53.HostedZoneAttributes{
		HostedZoneId: jsii.String("Z1"), ZoneName: jsii.String("example.com"),
	})
	api.AddDomain("V6", &httpapi.DomainOptions{Name: "v6.example.com", HostedZone: zone, IPAddressType: httpapi.DualStack})
	tj = toJSON(stack)
	for _, r := range resources(tj, "AWS::ApiGatewayV2::Api") {
		if v, ok := props(r)["IpAddressType"]; ok {
			t.Errorf("API IpAddressType %v, want none", v)
		}
	}
	if n := len(resources(tj, "AWS::Route53::RecordSet")); n != 2 {
		t.Errorf("DualStack domain of an IPv4 API: %d record sets, want A and AAAA", n)
	}
}

// TestInvalidStageOptions: stages (Stages, DefaultStage), throttles and access logs that New refuses.
func TestInvalidStageOptions(t *testing.T) {
	testRefusals(t, []refusal{
		{"stage name", apiProps(func(fn awslambda.IFunction) *httpapi.Props {
			return &httpapi.Props{Stages: []httpapi.StageOptions{{Name: "my stage"}}}
		}), `httpapi: Stages[0].Name "my stage" is not allowed: use 1 to 128 letters, digits, '-' or '_'`},
		{"stage name collision", apiProps(func(fn awslambda.IFunction) *httpapi.Props {
			return &httpapi.Props{Stages: []httpapi.StageOptions{{Name: "dev"}, {Name: "dev"}}}
		}), `httpapi: Stages[1].Name "dev" is the name of Stages[0] too: give each stage its own name`},
		{"default stage with a name", apiProps(func(fn awslambda.IFunction) *httpapi.Props {
			return &httpapi.Props{DefaultStage: &httpapi.StageOptions{Name: "prod"}}
		}), `httpapi: DefaultStage.Name "prod" is not allowed: leave it empty or set "$default"; add a named stage to Stages`},
		{"default stage variable", apiProps(func(fn awslambda.IFunction) *httpapi.Props {
			return &httpapi.Props{DefaultStage: &httpapi.StageOptions{Variables: map[string]string{"greeting": "hello world"}}}
		}), `httpapi: DefaultStage.Variables["greeting"] "hello world" is not allowed: use letters, digits and -._~:/?#&=,`},
		{"default stage throttle", apiProps(func(fn awslambda.IFunction) *httpapi.Props {
			return &httpapi.Props{DefaultStage: &httpapi.StageOptions{Throttle: httpapi.Throttle{RateLimit: 10}}}
		}), "httpapi: DefaultStage.Throttle needs both RateLimit and BurstLimit above zero, got RateLimit 10 and BurstLimit 0"},
		{"11 named stages without $default", apiProps(func(fn awslambda.IFunction) *httpapi.Props {
			var stages []httpapi.StageOptions
			for i := range quota.StagesPerAPI + 1 {
				stages = append(stages, httpapi.StageOptions{Name: fmt.Sprintf("s%d", i)})
			}
			return &httpapi.Props{NoDefaultStage: true, Stages: stages}
		}), "httpapi: Stages: 11 stages exceed the HTTP API quota of 10 stages per API"},
		{"stage variable name", apiProps(func(fn awslambda.IFunction) *httpapi.Props {
			return &httpapi.Props{Stages: []httpapi.StageOptions{{Name: "dev", Variables: map[string]string{"a-b": "x"}}}}
		}), `httpapi: Stages[0].Variables: name "a-b" is not allowed: use 1 to 64 letters, digits or '_'`},
		{"throttle rate without burst", apiProps(func(fn awslambda.IFunction) *httpapi.Props {
			return &httpapi.Props{Throttle: httpapi.Throttle{RateLimit: 100}}
		}), "httpapi: Throttle needs both RateLimit and BurstLimit above zero, got RateLimit 100 and BurstLimit 0"},
		{"access logs kept forever", apiProps(func(fn awslambda.IFunction) *httpapi.Props {
			return &httpapi.Props{AccessLogs: httpapi.AccessLogs{Retention: awslogs.RetentionDays_INFINITE}}
		}), `httpapi: AccessLogs.Retention "INFINITE" keeps logs forever: choose a finite awslogs.RetentionDays`},
		{"access logs without request id", apiProps(func(fn awslambda.IFunction) *httpapi.Props {
			return &httpapi.Props{AccessLogs: httpapi.AccessLogs{Fields: map[string]string{"status": "$context.status"}}}
		}), `httpapi: AccessLogs.Fields must include "$context.requestId" so that log lines can be correlated with function logs`},
		{"too many stages", apiProps(func(fn awslambda.IFunction) *httpapi.Props {
			var stages []httpapi.StageOptions
			for i := range 10 {
				stages = append(stages, httpapi.StageOptions{Name: fmt.Sprintf("s%d", i)})
			}
			return &httpapi.Props{Stages: stages}
		}), "httpapi: Stages: 11 stages with $default exceed the HTTP API quota of 10 stages per API"},
		{"stage description too long", apiProps(func(fn awslambda.IFunction) *httpapi.Props {
			return &httpapi.Props{Stages: []httpapi.StageOptions{{Name: "dev", Description: strings.Repeat("d", 1025)}}}
		}), `httpapi: Stages[0].Description "ddddddddddddddddddddddddddddddddddddd..." is 1025 characters long: use 0 to 1024`},
		{"too many stage variables", apiProps(func(fn awslambda.IFunction) *httpapi.Props {
			vars := map[string]string{}
			for i := range 101 {
				vars[fmt.Sprintf("v%d", i)] = "x"
			}
			return &httpapi.Props{Stages: []httpapi.StageOptions{{Name: "dev", Variables: vars}}}
		}), "httpapi: Stages[0].Variables: 101 variables exceed the limit of 100 per stage"},
		{"stage variable name too long", apiProps(func(fn awslambda.IFunction) *httpapi.Props {
			return &httpapi.Props{Stages: []httpapi.StageOptions{{Name: "dev", Variables: map[string]string{strings.Repeat("k", 65): "x"}}}}
		}), `httpapi: Stages[0].Variables: name "` + strings.Repeat("k", 65) + `" is not allowed: use 1 to 64 letters, digits or '_'`},
		{"stage variable value too long", apiProps(func(fn awslambda.IFunction) *httpapi.Props {
			return &httpapi.Props{Stages: []httpapi.StageOptions{{Name: "dev", Variables: map[string]string{"url": strings.Repeat("v", 513)}}}}
		}), `httpapi: Stages[0].Variables["url"] "vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv..." is 513 characters long: use at most 512`},
		{"stage variable value with a space", apiProps(func(fn awslambda.IFunction) *httpapi.Props {
			return &httpapi.Props{Stages: []httpapi.StageOptions{{Name: "dev", Variables: map[string]string{"greeting": "hello world"}}}}
		}), `httpapi: Stages[0].Variables["greeting"] "hello world" is not allowed: use letters, digits and -._~:/?#&=,`},
		{"NaN throttle", apiProps(func(fn awslambda.IFunction) *httpapi.Props {
			return &httpapi.Props{Throttle: httpapi.Throttle{RateLimit: math.NaN(), BurstLimit: 10}}
		}), "httpapi: Throttle.RateLimit NaN is not a number: use a finite value"},
		{"infinite stage throttle", apiProps(func(fn awslambda.IFunction) *httpapi.Props {
			return &httpapi.Props{Stages: []httpapi.StageOptions{{Name: "dev", Throttle: httpapi.Throttle{RateLimit: math.Inf(1), BurstLimit: 10}}}}
		}), "httpapi: Stages[0].Throttle.RateLimit +Inf is not a number: use a finite value"},
		{"NaN route throttle", apiProps(func(fn awslambda.IFunction) *httpapi.Props {
			return &httpapi.Props{Handler: fn, Routes: keys("GET /a"),
				RouteOverrides: map[route.Key]httpapi.RouteOptions{route.MustParse("GET /a"): {Throttle: httpapi.Throttle{RateLimit: math.NaN(), BurstLimit: 1}}}}
		}), `httpapi: RouteOverrides["GET /a"].Throttle.RateLimit NaN is not a number: use a finite value`},
		{"burst above the account's", apiProps(func(fn awslambda.IFunction) *httpapi.Props {
			return &httpapi.Props{Throttle: httpapi.Throttle{RateLimit: 100, BurstLimit: 6000}}
		}), "httpapi: Throttle (RateLimit 100, BurstLimit 6000) exceeds the account defaults of 10000 requests/s and a burst of 5000"},
		{"access log format over 3 KB", apiProps(func(fn awslambda.IFunction) *httpapi.Props {
			fields := map[string]string{"requestId": "$context.requestId"}
			for i := range 100 {
				fields[fmt.Sprintf("header%02d", i)] = "$context.identity.userAgent"
			}
			return &httpapi.Props{AccessLogs: httpapi.AccessLogs{Fields: fields}}
		}), "httpapi: AccessLogs.Fields make a 4134-byte access log format (101 fields): API Gateway allows at most 3072 bytes"},
		{"per-route throttle with rate only", func(s awscdk.Stack) {
			httpapi.New(s, "Api", &httpapi.Props{Handler: inlineFunction(s, "Fn", time.Second), Routes: keys("GET /a"),
				RouteOverrides: map[route.Key]httpapi.RouteOptions{route.MustParse("GET /a"): {Throttle: httpapi.Throttle{RateLimit: 5}}}})
		}, `httpapi: RouteOverrides["GET /a"].Throttle needs both RateLimit and BurstLimit above zero, got RateLimit 5 and BurstLimit 0`},
	})
}

// TestLimitsSkipTokens: values known only at deployment (CDK tokens) are
// not held against the limits, whatever their placeholder looks like.
func TestLimitsSkipTokens(t *testing.T) {
	stack := newStack()
	imported := func(name string) string { return *awscdk.Fn_ImportValue(jsii.String(name)) }
	rate := *awscdk.Token_AsNumber(awscdk.Fn_ImportValue(jsii.String("Rate")))
	msg := panicMessage(func() {
		httpapi.New(stack, "Api", &httpapi.Props{
			Handler: inlineFunction(stack, "Fn", 10*time.Second), Routes: keys("GET /a"),
			Description: imported("Description"),
			Stages: []httpapi.StageOptions{{Name: "dev", Variables: map[string]string{"table": imported("Table")},
				Throttle: httpapi.Throttle{RateLimit: rate, BurstLimit: 10}}},
		})
	})
	if msg != "" {
		t.Fatalf("tokens refused: %s", msg)
	}
	assert(t, func() {
		assertions.Template_FromStack(stack, nil).HasResourceProperties(jsii.String("AWS::ApiGatewayV2::Stage"), map[string]any{
			"StageName":            "dev",
			"StageVariables":       map[string]any{"table": map[string]any{"Fn::ImportValue": "Table"}},
			"DefaultRouteSettings": assertions.Match_ObjectLike(&map[string]any{"ThrottlingRateLimit": map[string]any{"Fn::ImportValue": "Rate"}}),
		})
	})
}
