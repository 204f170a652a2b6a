package test

import (
	"bytes"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"github.com/httpapi-cdk/httpapi/constructs/httpapi"
	"github.com/httpapi-cdk/httpapi/function/app"
	"github.com/httpapi-cdk/httpapi/stacks"
)

// referenceApp is the reference app and its reference stacks, built once
// per test binary.
var referenceApp = sync.OnceValues(func() (awscdk.App, []*stacks.Reference) {
	a := newApp()
	return a, stacks.NewApp(a)
})

// referenceStacks returns the app's reference stacks.
func referenceStacks() []*stacks.Reference {
	_, refs := referenceApp()
	return refs
}

// allStacks returns every stack of the reference app, in definition order.
func allStacks() []awscdk.Stack {
	var out []awscdk.Stack
	a, _ := referenceApp()
	for _, c := range *a.Node().Children() {
		if *awscdk.Stack_IsStack(c) {
			out = append(out, c.(awscdk.Stack))
		}
	}
	return out
}

func reference(t *testing.T, name string) *stacks.Reference {
	t.Helper()
	for _, s := range referenceStacks() {
		if *s.StackName() == name {
			return s
		}
	}
	t.Fatalf("no reference stack %q", name)
	return nil
}

func TestGoldenTemplates(t *testing.T) {
	if n := len(allStacks()); n != 5 {
		t.Fatalf("the reference app has %d stacks, want 5", n)
	}
	for _, s := range allStacks() {
		t.Run(*s.StackName(), func(t *testing.T) {
			checkGolden(t, *s.StackName()+".template.json", normalize(templateJSON(t, s)))
		})
	}
}

// TestDeterministicSynthesis synthesizes the reference app a second time,
// with an empty Go build cache and other GOFLAGS (ones that do not change
// a binary), and requires byte-identical templates, real asset hashes
// included. Asset hashes are computed from sources, so the second
// synthesis reuses the functions the first one built and compiles
// nothing; TestConcurrentSyntheses builds into a fresh cache. (One app, not
// several: the jsii kernel keeps every app a test binary builds.)
func TestDeterministicSynthesis(t *testing.T) {
	want := map[string][]byte{}
	for _, s := range allStacks() {
		want[*s.StackName()] = templateJSON(t, s)
		if !assetHash.Match(want[*s.StackName()]) && *s.StackName() != "HttpApiShared" {
			t.Errorf("%s: no asset hash in the template", *s.StackName())
		}
	}
	t.Setenv("GOCACHE", t.TempDir())
	t.Setenv("GOFLAGS", "-mod=mod -p=2")
	a := newApp()
	stacks.NewApp(a)
	n := 0
	for _, c := range *a.Node().Children() {
		if !*awscdk.Stack_IsStack(c) {
			continue
		}
		s := c.(awscdk.Stack)
		n++
		if got := templateJSON(t, s); !bytes.Equal(got, want[*s.StackName()]) {
			t.Errorf("%s: the template differs with an empty GOCACHE and other GOFLAGS", *s.StackName())
		}
	}
	if n != len(want) {
		t.Errorf("%d stacks, want %d", n, len(want))
	}
}

func TestReferenceRoutesAreTheHandlersTable(t *testing.T) {
	for _, s := range referenceStacks() {
		tpl := toJSON(s.Stack)
		var got, want []string
		for _, r := range resources(tpl, "AWS::ApiGatewayV2::Route") {
			got = append(got, props(r)["RouteKey"].(string))
		}
		for _, k := range app.Routes() {
			want = append(want, k.String())
		}
		if *s.StackName() == "HttpApiProduction" {
			// CORS with an authorized $default route: preflights get their own public routes.
			want = append(want, "OPTIONS /", "OPTIONS /{proxy+}", "GET /health") // + the health function's table
			// + the net/http function's ServeMux keys
			for _, k := range app.NotesRoutes() {
				want = append(want, k.String())
			}
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s: routes %q, want the handler's table %q", *s.StackName(), got, want)
		}
		var added []httpapi.Route
		if s.API != nil {
			added = s.API.Routes()
		} else {
			added = s.Routes.Routes()
		}
		if len(added) != len(want) {
			t.Errorf("%s: the construct reports %d routes, want %d", *s.StackName(), len(added), len(want))
		}
	}
}

// TestReferenceNetHTTPRoutesAreTheServeMuxKeys: the net/http function's
// routes in the template are its ServeMux's keys, each with the notes
// function's integration and the API's JWT authorizer.
func TestReferenceNetHTTPRoutesAreTheServeMuxKeys(t *testing.T) {
	s := reference(t, "HttpApiProduction")
	var want []string
	for _, k := range app.NotesMux().Keys() {
		want = append(want, k.String())
	}
	if len(want) == 0 {
		t.Fatal("the notes ServeMux has no routes")
	}
	var got []string
	for _, r := range s.API.Routes() {
		if *r.Function.Node().Path() == *s.Notes.Lambda().Node().Path() {
			got = append(got, r.Key.String())
			if _, jwt := r.Options.Authorizer.(*httpapi.JWTAuthorizer); !jwt {
				t.Errorf("%s: authorizer %T, want the API's JWT authorizer", r.Key.String(), r.Options.Authorizer)
			}
		}
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("routes of the notes function %q, want its ServeMux's keys %q", got, want)
	}
	tpl := toJSON(s.Stack)
	notesIntegration := ""
	for id, r := range resources(tpl, "AWS::ApiGatewayV2::Integration") {
		if strings.Contains(joinText(props(r)["IntegrationUri"]), "Notes") {
			notesIntegration = id
		}
	}
	if notesIntegration == "" {
		t.Fatal("no integration for the notes function")
	}
	var inTemplate []string
	for _, r := range resources(tpl, "AWS::ApiGatewayV2::Route") {
		p := props(r)
		if strings.Contains(joinText(p["Target"]), notesIntegration) {
			inTemplate = append(inTemplate, p["RouteKey"].(string))
			if p["AuthorizationType"] != "JWT" {
				t.Errorf("route %s: AuthorizationType %v, want JWT", p["RouteKey"], p["AuthorizationType"])
			}
		}
	}
	slices.Sort(inTemplate)
	if !slices.Equal(inTemplate, want) {
		t.Errorf("template routes of the notes integration %q, want %q", inTemplate, want)
	}
}

func TestReferenceIntegration(t *testing.T) {
	for name, version := range map[string]string{"HttpApiReference": "2.0", "HttpApiReferenceV1": "1.0"} {
		t.Run(name, func(t *testing.T) {
			tpl := assertions.Template_FromStack(reference(t, name).Stack, nil)
			assert(t, func() { tpl.ResourceCountIs(jsii.String("AWS::ApiGatewayV2::Integration"), jsii.Number(1)) })
			assert(t, func() {
				tpl.HasResourceProperties(jsii.String("AWS::ApiGatewayV2::Integration"), map[string]any{
					"IntegrationType":      "AWS_PROXY",
					"PayloadFormatVersion": version,
					"TimeoutInMillis":      assertions.Match_Absent(), // 30 s, the HTTP API default
				})
			})
			assert(t, func() {
				tpl.HasResourceProperties(jsii.String("AWS::ApiGatewayV2::Api"), map[string]any{"ProtocolType": "HTTP"})
			})
		})
	}
}

func TestReferencePermissions(t *testing.T) {
	tpl := toJSON(reference(t, "HttpApiReference").Stack)
	perms := resources(tpl, "AWS::Lambda::Permission")
	var arns []string
	for _, p := range perms {
		pp := props(p)
		if pp["Principal"] != "apigateway.amazonaws.com" || pp["Action"] != "lambda:InvokeFunction" {
			t.Errorf("unexpected permission %v", pp)
		}
		arns = append(arns, joinText(pp["SourceArn"]))
	}
	slices.Sort(arns)
	prefix := "arn:{AWS::Partition}:execute-api:{AWS::Region}:{AWS::AccountId}:{ApiHttpApi4C294DC0}"
	want := []string{
		prefix + "/*/$default",
		prefix + "/*/GET/cookies",
		prefix + "/*/GET/fail",
		prefix + "/*/GET/hello",
		prefix + "/*/GET/hello/*",
		prefix + "/*/GET/pixel.png",
		prefix + "/*/GET/report",
		prefix + "/*/POST/echo",
	}
	if !slices.Equal(arns, want) {
		t.Errorf("permission SourceArns:\n got %q\nwant %q", arns, want)
	}
}

func TestReferenceStagesCorsOutputs(t *testing.T) {
	s := reference(t, "HttpApiReference")
	tpl := assertions.Template_FromStack(s.Stack, nil)
	assert(t, func() {
		tpl.HasResourceProperties(jsii.String("AWS::ApiGatewayV2::Stage"), map[string]any{
			"StageName":  "$default",
			"AutoDeploy": true,
			"AccessLogSettings": map[string]any{
				"Format": assertions.Match_StringLikeRegexp(jsii.String(`"requestId":"\$context\.requestId"`)),
			},
			"DefaultRouteSettings": map[string]any{"ThrottlingRateLimit": 1000, "ThrottlingBurstLimit": 500},
		})
	})
	assert(t, func() {
		tpl.HasResourceProperties(jsii.String("AWS::ApiGatewayV2::Stage"), map[string]any{
			"StageName":      "dev",
			"AutoDeploy":     true,
			"StageVariables": map[string]any{"environment": "dev"},
		})
	})
	assert(t, func() {
		tpl.HasResourceProperties(jsii.String("AWS::ApiGatewayV2::Api"), map[string]any{
			"CorsConfiguration": map[string]any{
				"AllowOrigins":     []any{"https://example.com"},
				"AllowMethods":     []any{"GET", "POST"},
				"AllowCredentials": false,
				"MaxAge":           600,
			},
		})
	})
	assert(t, func() {
		tpl.HasResourceProperties(jsii.String("AWS::Logs::LogGroup"), map[string]any{"RetentionInDays": 30})
	})
	outputs := toJSON(s.Stack)["Outputs"].(map[string]any)
	var urls []string
	for _, o := range outputs {
		urls = append(urls, joinText(o.(map[string]any)["Value"]))
	}
	slices.Sort(urls)
	want := []string{
		"https://{ApiHttpApi4C294DC0}.execute-api.{AWS::Region}.{AWS::URLSuffix}/",
		"https://{ApiHttpApi4C294DC0}.execute-api.{AWS::Region}.{AWS::URLSuffix}/dev",
	}
	if !slices.Equal(urls, want) {
		t.Errorf("output URLs %q, want %q", urls, want)
	}
}

func TestReferenceFunction(t *testing.T) {
	tpl := toJSON(reference(t, "HttpApiReference").Stack)
	fns := resources(tpl, "AWS::Lambda::Function")
	if len(fns) != 1 {
		t.Fatalf("%d functions, want 1", len(fns))
	}
	for _, fn := range fns {
		p := props(fn)
		if timeout := p["Timeout"].(float64); timeout > 29 {
			t.Errorf("function timeout %vs exceeds 29 s", timeout)
		}
		for key, want := range map[string]string{"Runtime": "provided.al2023", "Handler": "bootstrap"} {
			if p[key] != want {
				t.Errorf("%s = %v, want %s", key, p[key], want)
			}
		}
		if arch := p["Architectures"].([]any); len(arch) != 1 || arch[0] != "arm64" {
			t.Errorf("Architectures = %v, want [arm64]", arch)
		}
		if lf := p["LoggingConfig"].(map[string]any)["LogFormat"]; lf != "JSON" {
			t.Errorf("LogFormat = %v, want JSON", lf)
		}
		if pkg := fn["Metadata"].(map[string]any)["httpapi:GoPackage"]; pkg != stacks.FunctionPackage {
			t.Errorf("metadata httpapi:GoPackage = %v, want %s", pkg, stacks.FunctionPackage)
		}
		if key := joinText(p["Code"].(map[string]any)["S3Key"]); !strings.HasSuffix(key, ".zip") || !assetHash.MatchString(key) {
			t.Errorf("Code.S3Key = %q, want <sha256>.zip", key)
		}
	}
}
