package test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/jsii-runtime-go"

	"github.com/httpapi-cdk/httpapi/constructs/gofunction"
	"github.com/httpapi-cdk/httpapi/constructs/httpapi"
	"github.com/httpapi-cdk/httpapi/route"
	"github.com/httpapi-cdk/httpapi/stacks"
)

// inlineFunction is a function that needs no Go build, for construct tests.
func inlineFunction(stack awscdk.Stack, id string, timeout time.Duration) awslambda.Function {
	return awslambda.NewFunction(stack, jsii.String(id), &awslambda.FunctionProps{
		Runtime: awslambda.Runtime_NODEJS_22_X(),
		Handler: jsii.String("index.handler"),
		Code:    awslambda.Code_FromInline(jsii.String("exports.handler = async () => ({statusCode: 200})")),
		Timeout: awscdk.Duration_Seconds(jsii.Number(timeout.Seconds())),
	})
}

func keys(ss ...string) []route.Key {
	out := make([]route.Key, len(ss))
	for i, s := range ss {
		out[i] = route.MustParse(s)
	}
	return out
}

func TestInvalidHTTPAPIProps(t *testing.T) {
	for _, tc := range []struct {
		name  string
		props func(fn awslambda.IFunction) *httpapi.Props
		want  string
	}{
		{"routes without handler", func(awslambda.IFunction) *httpapi.Props {
			return &httpapi.Props{Routes: keys("GET /a")}
		}, "httpapi: Handler is required when Routes is set (got 1 routes and no Handler)"},
		{"bad route key", func(fn awslambda.IFunction) *httpapi.Props {
			return &httpapi.Props{Handler: fn, Routes: []route.Key{{Method: "GET", Path: "/a/"}}}
		}, `httpapi: Routes: route key "GET /a/": path must not end with "/" (only the root path may)`},
		{"unknown method", func(fn awslambda.IFunction) *httpapi.Props {
			return &httpapi.Props{Handler: fn, Routes: []route.Key{{Method: "FETCH", Path: "/a"}}}
		}, `httpapi: Routes: route key "FETCH /a": method "FETCH" is not one of ANY, DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT`},
		{"duplicate route", func(fn awslambda.IFunction) *httpapi.Props {
			return &httpapi.Props{Handler: fn, Routes: keys("GET /a", "GET /a")}
		}, `httpapi: Routes: route "GET /a" is added twice: each route key may appear once per API`},
		{"too many routes", func(fn awslambda.IFunction) *httpapi.Props {
			var ks []route.Key
			for i := range 301 {
				ks = append(ks, route.Key{Method: "GET", Path: fmt.Sprintf("/r%d", i)})
			}
			return &httpapi.Props{Handler: fn, Routes: ks}
		}, "httpapi: Routes: 301 routes exceed the HTTP API quota of 300 routes per API"},
		{"payload format", func(fn awslambda.IFunction) *httpapi.Props {
			return &httpapi.Props{Handler: fn, Routes: keys("GET /a"), RouteOptions: httpapi.RouteOptions{PayloadFormat: "3.0"}}
		}, `httpapi: PayloadFormat "3.0" is not supported: use httpapi.PayloadFormatV2 ("2.0") or httpapi.PayloadFormatV1 ("1.0")`},
		{"integration timeout too long", func(fn awslambda.IFunction) *httpapi.Props {
			return &httpapi.Props{Handler: fn, Routes: keys("GET /a"), RouteOptions: httpapi.RouteOptions{IntegrationTimeout: 31 * time.Second}}
		}, "httpapi: IntegrationTimeout 31s is out of range: use whole milliseconds from 50ms to 29s, or 30s"},
		{"integration timeout too short", func(fn awslambda.IFunction) *httpapi.Props {
			return &httpapi.Props{Handler: fn, Routes: keys("GET /a"), RouteOptions: httpapi.RouteOptions{IntegrationTimeout: 10 * time.Millisecond}}
		}, "httpapi: IntegrationTimeout 10ms is out of range: use whole milliseconds from 50ms to 29s, or 30s"},
		{"integration timeout the L2 refuses", func(fn awslambda.IFunction) *httpapi.Props {
			return &httpapi.Props{Handler: fn, Routes: keys("GET /a"), RouteOptions: httpapi.RouteOptions{IntegrationTimeout: 29500 * time.Millisecond}}
		}, "httpapi: IntegrationTimeout 29.5s is out of range: use whole milliseconds from 50ms to 29s, or 30s"},
		{"cors credentials with wildcard origin", func(fn awslambda.IFunction) *httpapi.Props {
			return &httpapi.Props{Cors: &httpapi.Cors{AllowOrigins: []string{"*"}, AllowCredentials: true}}
		}, `httpapi: Cors.AllowCredentials needs explicit AllowOrigins, got "*": API Gateway rejects credentials with a wildcard origin`},
		{"cors wildcard mixed with origins", func(fn awslambda.IFunction) *httpapi.Props {
			return &httpapi.Props{Cors: &httpapi.Cors{AllowOrigins: []string{"*", "https://a.com"}}}
		}, `httpapi: Cors.AllowOrigins mixes "*" with other origins ["*" "https://a.com"]: use "*" alone or list origins`},
		{"cors origin with path", func(fn awslambda.IFunction) *httpapi.Props {
			return &httpapi.Props{Cors: &httpapi.Cors{AllowOrigins: []string{"https://a.com/"}}}
		}, `httpapi: Cors.AllowOrigins: origin "https://a.com/" is not allowed: use "scheme://host[:port]" with no path or trailing slash, or "*"`},
		{"cors without origins", func(fn awslambda.IFunction) *httpapi.Props {
			return &httpapi.Props{Cors: &httpapi.Cors{AllowMethods: []string{"GET"}}}
		}, `httpapi: Cors.AllowOrigins is required: list origins like "https://example.com", or "*"`},
		{"cors bad max age", func(fn awslambda.IFunction) *httpapi.Props {
			return &httpapi.Props{Cors: &httpapi.Cors{AllowOrigins: []string{"*"}, MaxAge: 48 * time.Hour}}
		}, "httpapi: Cors.MaxAge 48h0m0s is out of range: use whole seconds from 0 to 24h"},
		{"cors bad method", func(fn awslambda.IFunction) *httpapi.Props {
			return &httpapi.Props{Cors: &httpapi.Cors{AllowOrigins: []string{"*"}, AllowMethods: []string{"get"}}}
		}, `httpapi: Cors.AllowMethods: method "get" is not one of *, DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT`},
		{"stage name", func(fn awslambda.IFunction) *httpapi.Props {
			return &httpapi.Props{Stages: []httpapi.StageOptions{{Name: "my stage"}}}
		}, `httpapi: Stages: stage name "my stage" is not allowed: use 1 to 128 letters, digits, '-' or '_'`},
		{"stage name collision", func(fn awslambda.IFunction) *httpapi.Props {
			return &httpapi.Props{Stages: []httpapi.StageOptions{{Name: "dev"}, {Name: "dev"}}}
		}, `httpapi: Stages: stage name "dev" is used twice ("$default" is always present)`},
		{"stage variable name", func(fn awslambda.IFunction) *httpapi.Props {
			return &httpapi.Props{Stages: []httpapi.StageOptions{{Name: "dev", Variables: map[string]string{"a-b": "x"}}}}
		}, `httpapi: Stages[dev].Variables: name "a-b" is not allowed: use 1 to 64 letters, digits or '_'`},
		{"throttle rate without burst", func(fn awslambda.IFunction) *httpapi.Props {
			return &httpapi.Props{Throttle: httpapi.Throttle{RateLimit: 100}}
		}, "httpapi: Throttle needs both RateLimit and BurstLimit above zero, got RateLimit 100 and BurstLimit 0"},
		{"access logs kept forever", func(fn awslambda.IFunction) *httpapi.Props {
			return &httpapi.Props{AccessLogs: httpapi.AccessLogs{Retention: awslogs.RetentionDays_INFINITE}}
		}, `httpapi: AccessLogs.Retention "INFINITE" keeps logs forever: choose a finite awslogs.RetentionDays`},
		{"access logs without request id", func(fn awslambda.IFunction) *httpapi.Props {
			return &httpapi.Props{AccessLogs: httpapi.AccessLogs{Fields: map[string]string{"status": "$context.status"}}}
		}, `httpapi: AccessLogs.Fields must include "$context.requestId" so that log lines can be correlated with function logs`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			stack := newStack()
			fn := inlineFunction(stack, "Fn", 10*time.Second)
			got := panicMessage(func() { httpapi.New(stack, "Api", tc.props(fn)) })
			if got != tc.want {
				t.Errorf("httpapi.New panicked with\n  %q\nwant\n  %q", got, tc.want)
			}
		})
	}
}

func TestFunctionTimeoutMustFitIntegration(t *testing.T) {
	stack := newStack()
	fn := inlineFunction(stack, "Slow", 30*time.Second)
	got := panicMessage(func() { httpapi.New(stack, "Api", &httpapi.Props{Handler: fn, Routes: keys("GET /a")}) })
	want := "httpapi: function Test/Slow has a timeout of 30s, not shorter than IntegrationTimeout 30s: " +
		"API Gateway would answer 503 while the function keeps running; use a function timeout of at most 29s"
	if got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
	stack = newStack()
	fn = inlineFunction(stack, "Quick", 5*time.Second)
	got = panicMessage(func() {
		httpapi.New(stack, "Api", &httpapi.Props{Handler: fn, Routes: keys("GET /a"), RouteOptions: httpapi.RouteOptions{IntegrationTimeout: 5 * time.Second}})
	})
	if !strings.Contains(got, "has a timeout of 5s, not shorter than IntegrationTimeout 5s") {
		t.Errorf("a 5 s function behind a 5 s integration: got %q", got)
	}
}

func TestInvalidGoFunctionProps(t *testing.T) {
	for _, tc := range []struct {
		name  string
		props gofunction.Props
		want  string
	}{
		{"no package", gofunction.Props{}, `gofunction: Package is required: the directory of a Go main package, like "./function"`},
		{"architecture", gofunction.Props{Package: "x", Architecture: "386"}, `gofunction: Architecture "386" is not supported: use gofunction.Arm64 or gofunction.AMD64`},
		{"memory", gofunction.Props{Package: "x", MemorySize: 64}, "gofunction: MemorySize 64 is out of range: use 128 to 10240 (MiB)"},
		{"timeout", gofunction.Props{Package: "x", Timeout: 1500 * time.Millisecond}, "gofunction: Timeout 1.5s is not allowed: use whole seconds from 1s to 15m"},
		{"retention", gofunction.Props{Package: "x", LogRetention: awslogs.RetentionDays_INFINITE}, `gofunction: LogRetention "INFINITE" keeps logs forever: choose a finite awslogs.RetentionDays`},
		{"not a main package", gofunction.Props{Package: "github.com/httpapi-cdk/httpapi/route"}, `gofunction: Package "github.com/httpapi-cdk/httpapi/route" is package route, not a main package`},
		{"pattern", gofunction.Props{Package: "github.com/httpapi-cdk/httpapi/function/..."},
			`gofunction: Package "github.com/httpapi-cdk/httpapi/function/..." is not allowed: it is a pattern that can match several packages: name exactly one package`},
		{"relative pattern", gofunction.Props{Package: "./..."},
			`gofunction: Package "./..." is not allowed: it is a pattern that can match several packages: name exactly one package`},
		{"meta-package", gofunction.Props{Package: "all"},
			`gofunction: Package "all" is not allowed: it is a pattern (a go command meta-package), not a package: name exactly one package`},
		{"flag", gofunction.Props{Package: "-toolexec=/bin/sh"},
			`gofunction: Package "-toolexec=/bin/sh" is not allowed: it starts with '-', which the go command would take for a flag: name a package like "./function"`},
		{"absolute directory", gofunction.Props{Package: "/srv/app/function"},
			`gofunction: Package "/srv/app/function" is not allowed: it is an absolute path: use an import path or a directory relative to the working directory, like "./function"`},
		{"not an import path", gofunction.Props{Package: "example.com/app fn"},
			`gofunction: Package "example.com/app fn" is not allowed: it is not an import path (element "app fn" holds ' '): use an import path like "example.com/app/function" or a directory starting with "./"`},
		{"directory without ./", gofunction.Props{Package: "testdata"},
			`gofunction: Package "testdata" is not an import path of the build: did you mean "./testdata"? (a directory must start with "./" or "../")`},
		{"plain name", gofunction.Props{Package: "handler"},
			`gofunction: Package "handler" is not found: it is neither a package of the main module nor of the standard library (a directory must start with "./" or "../")`},
		{"missing directory", gofunction.Props{Package: "./handler"},
			`gofunction: Package "./handler" is not found: there is no such directory relative to the one synthesis runs in`},
		{"missing package of the module", gofunction.Props{Package: "github.com/httpapi-cdk/httpapi/handler"},
			`gofunction: Package "github.com/httpapi-cdk/httpapi/handler" is not found: no package of the main module or of a module go.mod requires has this import path; check its spelling`},
		{"missing module", gofunction.Props{Package: "example.com/elsewhere/handler"},
			`gofunction: Package "example.com/elsewhere/handler" is not found: no package of the main module or of a module go.mod requires has this import path; check its spelling`},
		{"go files", gofunction.Props{Package: "./testdata/broken/main.go"},
			`gofunction: Package "./testdata/broken/main.go" names Go files: name the directory of a main package, like "./function"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := panicMessage(func() { gofunction.New(newStack(), "Fn", &tc.props) })
			if got != tc.want {
				t.Errorf("gofunction.New panicked with\n  %q\nwant\n  %q", got, tc.want)
			}
		})
	}
}

func TestGoFunctionBuildFailureNamesPackageAndCompilerOutput(t *testing.T) {
	got := panicMessage(func() { gofunction.New(newStack(), "Fn", &gofunction.Props{Package: "./testdata/broken"}) })
	for _, want := range []string{`gofunction: Package "./testdata/broken"`, "does not build", "undefined: undefinedFunction"} {
		if !strings.Contains(got, want) {
			t.Errorf("panic message %q does not contain %q", got, want)
		}
	}
}

func TestGoFunctionDefaultsAndOverrides(t *testing.T) {
	stack := newStack()
	gofunction.New(stack, "Default", &gofunction.Props{Package: stacks.FunctionPackage})
	gofunction.New(stack, "Custom", &gofunction.Props{
		Package: stacks.FunctionPackage, Architecture: gofunction.AMD64, MemorySize: 1024,
		Timeout: 20 * time.Second, Environment: map[string]string{"MODE": "test"}, LogRetention: awslogs.RetentionDays_ONE_WEEK,
	})
	tpl := assertions.Template_FromStack(stack, nil)
	assert(t, func() {
		tpl.HasResourceProperties(jsii.String("AWS::Lambda::Function"), map[string]any{
			"Architectures": []any{"arm64"}, "MemorySize": 256, "Timeout": 10, "Runtime": "provided.al2023",
			"Environment": assertions.Match_Absent(),
		})
	})
	assert(t, func() {
		tpl.HasResourceProperties(jsii.String("AWS::Lambda::Function"), map[string]any{
			"Architectures": []any{"x86_64"}, "MemorySize": 1024, "Timeout": 20,
			"Environment": map[string]any{"Variables": map[string]any{"MODE": "test"}},
		})
	})
	assert(t, func() {
		tpl.HasResourceProperties(jsii.String("AWS::Logs::LogGroup"), map[string]any{"RetentionInDays": 30})
	})
	assert(t, func() {
		tpl.HasResourceProperties(jsii.String("AWS::Logs::LogGroup"), map[string]any{"RetentionInDays": 7})
	})
	// arm64 and amd64 builds are different assets.
	fns := resources(toJSON(stack), "AWS::Lambda::Function")
	seen := map[string]bool{}
	for _, f := range fns {
		seen[joinText(props(f)["Code"].(map[string]any)["S3Key"])] = true
	}
	if len(seen) != 2 {
		t.Errorf("arm64 and amd64 functions share an asset: %v", seen)
	}
}
