package test

import (
	"fmt"
	"math"
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
	"github.com/httpapi-cdk/httpapi/quota"
	"github.com/httpapi-cdk/httpapi/route"
	"github.com/httpapi-cdk/httpapi/stacks"
)

// testJWT is a valid JWT authorizer.
func testJWT() *httpapi.JWTAuthorizer {
	return &httpapi.JWTAuthorizer{Issuer: "https://auth.example.com", Audiences: []string{"api"}}
}

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
		{"routes that differ only in variable names", func(fn awslambda.IFunction) *httpapi.Props {
			return &httpapi.Props{Handler: fn, Routes: keys("GET /todos/{id}", "GET /todos/{todoId}")}
		}, `httpapi: Routes: route keys "GET /todos/{id}" and "GET /todos/{todoId}" differ only in variable names: API Gateway cannot tell them apart; name the variables alike`},
		{"too many routes", func(fn awslambda.IFunction) *httpapi.Props {
			var ks []route.Key
			for i := range quota.RoutesPerAPI + 1 {
				ks = append(ks, route.Key{Method: "GET", Path: fmt.Sprintf("/r%d", i)})
			}
			return &httpapi.Props{Handler: fn, Routes: ks}
		}, "httpapi: Routes: 301 routes exceed the HTTP API quota of 300 routes per API"},
		{"payload format", func(fn awslambda.IFunction) *httpapi.Props {
			return &httpapi.Props{Handler: fn, Routes: keys("GET /a"), RouteOptions: httpapi.RouteOptions{PayloadFormat: "3.0"}}
		}, `httpapi: PayloadFormat "3.0" is not supported: use httpapi.PayloadFormatV2 ("2.0") or httpapi.PayloadFormatV1 ("1.0")`},
		{"integration timeout too long", func(fn awslambda.IFunction) *httpapi.Props {
			return &httpapi.Props{Handler: fn, Routes: keys("GET /a"), RouteOptions: httpapi.RouteOptions{IntegrationTimeout: quota.MaxIntegrationTimeout + time.Millisecond}}
		}, "httpapi: IntegrationTimeout 30.001s is out of range: use whole milliseconds from 50ms to 29s, or 30s"},
		{"integration timeout too short", func(fn awslambda.IFunction) *httpapi.Props {
			return &httpapi.Props{Handler: fn, Routes: keys("GET /a"), RouteOptions: httpapi.RouteOptions{IntegrationTimeout: quota.MinIntegrationTimeout - time.Millisecond}}
		}, "httpapi: IntegrationTimeout 49ms is out of range: use whole milliseconds from 50ms to 29s, or 30s"},
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
		}, `httpapi: Stages: stage name "dev" is used twice`},
		{"no default stage and no named stage", func(fn awslambda.IFunction) *httpapi.Props {
			return &httpapi.Props{NoDefaultStage: true}
		}, "httpapi: NoDefaultStage needs at least one of Stages, got none: an API without stages serves nothing; name a stage in Stages, or leave NoDefaultStage unset"},
		{"no default stage, yet configured", func(fn awslambda.IFunction) *httpapi.Props {
			return &httpapi.Props{NoDefaultStage: true, DefaultStage: &httpapi.StageOptions{Description: "live"}, Stages: []httpapi.StageOptions{{Name: "v1"}}}
		}, "httpapi: DefaultStage configures the $default stage, which NoDefaultStage leaves out: set one or the other"},
		{"default stage with a name", func(fn awslambda.IFunction) *httpapi.Props {
			return &httpapi.Props{DefaultStage: &httpapi.StageOptions{Name: "prod"}}
		}, `httpapi: DefaultStage.Name "prod" is not allowed: leave it empty or set "$default"; add a named stage to Stages`},
		{"default stage variable", func(fn awslambda.IFunction) *httpapi.Props {
			return &httpapi.Props{DefaultStage: &httpapi.StageOptions{Variables: map[string]string{"greeting": "hello world"}}}
		}, `httpapi: DefaultStage.Variables[greeting]: value "hello world" is not allowed: use letters, digits and -._~:/?#&=,`},
		{"default stage throttle", func(fn awslambda.IFunction) *httpapi.Props {
			return &httpapi.Props{DefaultStage: &httpapi.StageOptions{Throttle: httpapi.Throttle{RateLimit: 10}}}
		}, "httpapi: DefaultStage.Throttle needs both RateLimit and BurstLimit above zero, got RateLimit 10 and BurstLimit 0"},
		{"11 named stages without $default", func(fn awslambda.IFunction) *httpapi.Props {
			var stages []httpapi.StageOptions
			for i := range quota.StagesPerAPI + 1 {
				stages = append(stages, httpapi.StageOptions{Name: fmt.Sprintf("s%d", i)})
			}
			return &httpapi.Props{NoDefaultStage: true, Stages: stages}
		}, "httpapi: Stages: 11 stages exceed the HTTP API quota of 10 stages per API"},
		{"IP address type", func(fn awslambda.IFunction) *httpapi.Props {
			return &httpapi.Props{IPAddressType: "DUAL_STACK"}
		}, `httpapi: IPAddressType "DUAL_STACK" is not an IP address type: use httpapi.IPv4 ("ipv4") or httpapi.DualStack ("dualstack")`},
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
		// Limits AWS would only enforce at deployment.
		{"name too long", func(fn awslambda.IFunction) *httpapi.Props {
			return &httpapi.Props{Name: strings.Repeat("n", 129)}
		}, `httpapi: Name "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn..." is 129 characters long: use 1 to 128`},
		{"description too long", func(fn awslambda.IFunction) *httpapi.Props {
			return &httpapi.Props{Description: strings.Repeat("d", 1025)}
		}, `httpapi: Description "ddddddddddddddddddddddddddddddddddddd..." is 1025 characters long: use 0 to 1024`},
		{"too many stages", func(fn awslambda.IFunction) *httpapi.Props {
			var stages []httpapi.StageOptions
			for i := range 10 {
				stages = append(stages, httpapi.StageOptions{Name: fmt.Sprintf("s%d", i)})
			}
			return &httpapi.Props{Stages: stages}
		}, "httpapi: Stages: 11 stages with $default exceed the HTTP API quota of 10 stages per API"},
		{"stage description too long", func(fn awslambda.IFunction) *httpapi.Props {
			return &httpapi.Props{Stages: []httpapi.StageOptions{{Name: "dev", Description: strings.Repeat("d", 1025)}}}
		}, `httpapi: Stages[dev].Description "ddddddddddddddddddddddddddddddddddddd..." is 1025 characters long: use 0 to 1024`},
		{"too many stage variables", func(fn awslambda.IFunction) *httpapi.Props {
			vars := map[string]string{}
			for i := range 101 {
				vars[fmt.Sprintf("v%d", i)] = "x"
			}
			return &httpapi.Props{Stages: []httpapi.StageOptions{{Name: "dev", Variables: vars}}}
		}, "httpapi: Stages[dev].Variables: 101 variables exceed the limit of 100 per stage"},
		{"stage variable name too long", func(fn awslambda.IFunction) *httpapi.Props {
			return &httpapi.Props{Stages: []httpapi.StageOptions{{Name: "dev", Variables: map[string]string{strings.Repeat("k", 65): "x"}}}}
		}, `httpapi: Stages[dev].Variables: name "` + strings.Repeat("k", 65) + `" is not allowed: use 1 to 64 letters, digits or '_'`},
		{"stage variable value too long", func(fn awslambda.IFunction) *httpapi.Props {
			return &httpapi.Props{Stages: []httpapi.StageOptions{{Name: "dev", Variables: map[string]string{"url": strings.Repeat("v", 513)}}}}
		}, `httpapi: Stages[dev].Variables[url]: value "vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv..." is 513 characters long: use at most 512`},
		{"stage variable value with a space", func(fn awslambda.IFunction) *httpapi.Props {
			return &httpapi.Props{Stages: []httpapi.StageOptions{{Name: "dev", Variables: map[string]string{"greeting": "hello world"}}}}
		}, `httpapi: Stages[dev].Variables[greeting]: value "hello world" is not allowed: use letters, digits and -._~:/?#&=,`},
		{"NaN throttle", func(fn awslambda.IFunction) *httpapi.Props {
			return &httpapi.Props{Throttle: httpapi.Throttle{RateLimit: math.NaN(), BurstLimit: 10}}
		}, "httpapi: Throttle.RateLimit NaN is not a number: use a finite value"},
		{"infinite stage throttle", func(fn awslambda.IFunction) *httpapi.Props {
			return &httpapi.Props{Stages: []httpapi.StageOptions{{Name: "dev", Throttle: httpapi.Throttle{RateLimit: math.Inf(1), BurstLimit: 10}}}}
		}, "httpapi: Stages[dev].Throttle.RateLimit +Inf is not a number: use a finite value"},
		{"NaN route throttle", func(fn awslambda.IFunction) *httpapi.Props {
			return &httpapi.Props{Handler: fn, Routes: keys("GET /a"),
				RouteOverrides: map[route.Key]httpapi.RouteOptions{route.MustParse("GET /a"): {Throttle: httpapi.Throttle{RateLimit: math.NaN(), BurstLimit: 1}}}}
		}, `httpapi: RouteOverrides["GET /a"]: httpapi: RouteOptions.Throttle.RateLimit NaN is not a number: use a finite value`},
		{"burst above the account's", func(fn awslambda.IFunction) *httpapi.Props {
			return &httpapi.Props{Throttle: httpapi.Throttle{RateLimit: 100, BurstLimit: 6000}}
		}, "httpapi: Throttle (RateLimit 100, BurstLimit 6000) exceeds the account defaults of 10000 requests/s and a burst of 5000"},
		{"access log format over 3 KB", func(fn awslambda.IFunction) *httpapi.Props {
			fields := map[string]string{"requestId": "$context.requestId"}
			for i := range 100 {
				fields[fmt.Sprintf("header%02d", i)] = "$context.identity.userAgent"
			}
			return &httpapi.Props{AccessLogs: httpapi.AccessLogs{Fields: fields}}
		}, "httpapi: AccessLogs.Fields make a 4134-byte access log format (101 fields): API Gateway allows at most 3072 bytes"},
		{"more than 10 scopes", func(fn awslambda.IFunction) *httpapi.Props {
			var scopes []string
			for i := range 11 {
				scopes = append(scopes, fmt.Sprintf("scope%d", i))
			}
			return &httpapi.Props{Handler: fn, Routes: keys("GET /a"), RouteOptions: httpapi.RouteOptions{Authorizer: testJWT(), Scopes: scopes}}
		}, "httpapi: Scopes: 11 scopes exceed the HTTP API quota of 10 scopes per route"},
		{"scope too long", func(fn awslambda.IFunction) *httpapi.Props {
			return &httpapi.Props{Handler: fn, Routes: keys("GET /a"), RouteOptions: httpapi.RouteOptions{Authorizer: testJWT(), Scopes: []string{strings.Repeat("s", 65)}}}
		}, `httpapi: Scopes: scope "sssssssssssssssssssssssssssssssssssss..." is 65 characters long: use 1 to 64`},
		{"empty scope", func(fn awslambda.IFunction) *httpapi.Props {
			return &httpapi.Props{Handler: fn, Routes: keys("GET /a"), RouteOptions: httpapi.RouteOptions{Authorizer: testJWT(), Scopes: []string{"read", ""}}}
		}, `httpapi: Scopes: scope "" is 0 characters long: use 1 to 64`},
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
		{"memory", gofunction.Props{Package: "x", MemorySize: quota.MaxMemoryMB + 1}, "gofunction: MemorySize 10241 is out of range: use 128 to 10240 (MiB)"},
		{"timeout", gofunction.Props{Package: "x", Timeout: 1500 * time.Millisecond}, "gofunction: Timeout 1.5s is not allowed: use whole seconds from 1s to 15m"},
		{"retention", gofunction.Props{Package: "x", LogRetention: awslogs.RetentionDays_INFINITE}, `gofunction: LogRetention "INFINITE" keeps logs forever: choose a finite awslogs.RetentionDays`},
		{"not a main package", gofunction.Props{Package: "github.com/httpapi-cdk/httpapi/route"}, `gofunction: Package "github.com/httpapi-cdk/httpapi/route" is package route, not a main package`},
		// Limits Lambda would only enforce at deployment; the package is
		// valid, so the check comes before any build.
		{"memory above the maximum", gofunction.Props{Package: stacks.FunctionPackage, MemorySize: 10241}, "gofunction: MemorySize 10241 is out of range: use 128 to 10240 (MiB)"},
		{"timeout above 15 minutes", gofunction.Props{Package: stacks.FunctionPackage, Timeout: 901 * time.Second}, "gofunction: Timeout 15m1s is not allowed: use whole seconds from 1s to 15m"},
		{"description too long", gofunction.Props{Package: stacks.FunctionPackage, Description: strings.Repeat("d", 257)},
			`gofunction: Description "ddddddddddddddddddddddddddddddddddddd..." is 257 characters long: Lambda allows at most 256`},
		{"environment key with a dash", gofunction.Props{Package: stacks.FunctionPackage, Environment: map[string]string{"LOG-LEVEL": "debug"}},
			`gofunction: Environment key "LOG-LEVEL" is not allowed: Lambda accepts names of a letter then at least one letter, digit or '_' ([a-zA-Z]([a-zA-Z0-9_])+)`},
		{"environment key of one letter", gofunction.Props{Package: stacks.FunctionPackage, Environment: map[string]string{"X": "1"}},
			`gofunction: Environment key "X" is not allowed: Lambda accepts names of a letter then at least one letter, digit or '_' ([a-zA-Z]([a-zA-Z0-9_])+)`},
		{"environment key starting with an underscore", gofunction.Props{Package: stacks.FunctionPackage, Environment: map[string]string{"_HANDLER": "x"}},
			`gofunction: Environment key "_HANDLER" is not allowed: Lambda accepts names of a letter then at least one letter, digit or '_' ([a-zA-Z]([a-zA-Z0-9_])+)`},
		{"reserved AWS_REGION", gofunction.Props{Package: stacks.FunctionPackage, Environment: map[string]string{"AWS_REGION": "eu-west-1"}},
			`gofunction: Environment key "AWS_REGION" is reserved: Lambda sets it and refuses it in a function's configuration`},
		{"reserved AWS_LAMBDA_FUNCTION_NAME", gofunction.Props{Package: stacks.FunctionPackage, Environment: map[string]string{"AWS_LAMBDA_FUNCTION_NAME": "f"}},
			`gofunction: Environment key "AWS_LAMBDA_FUNCTION_NAME" is reserved: Lambda sets it and refuses it in a function's configuration`},
		{"reserved AWS_ACCESS_KEY_ID", gofunction.Props{Package: stacks.FunctionPackage, Environment: map[string]string{"AWS_ACCESS_KEY_ID": "AKIA"}},
			`gofunction: Environment key "AWS_ACCESS_KEY_ID" is reserved: Lambda sets it and refuses it in a function's configuration`},
		{"unknown application log level", gofunction.Props{Package: "x", ApplicationLogLevel: "VERBOSE"},
			`gofunction: ApplicationLogLevel "VERBOSE" is not a Lambda log level: use TRACE, DEBUG, INFO, WARN, ERROR or FATAL`},
		{"lower-case application log level", gofunction.Props{Package: "x", ApplicationLogLevel: "info"},
			`gofunction: ApplicationLogLevel "info" is not a Lambda log level: use TRACE, DEBUG, INFO, WARN, ERROR or FATAL`},
		{"application-only level as system log level", gofunction.Props{Package: "x", SystemLogLevel: "ERROR"},
			`gofunction: SystemLogLevel "ERROR" is not a Lambda system log level: use DEBUG, INFO or WARN`},
		{"log level in the environment", gofunction.Props{Package: "x", Environment: map[string]string{"AWS_LAMBDA_LOG_LEVEL": "DEBUG"}},
			`gofunction: Environment key "AWS_LAMBDA_LOG_LEVEL" ("DEBUG") would contradict the logging configuration, from which Lambda sets it: use ApplicationLogLevel`},
		{"log format in the environment", gofunction.Props{Package: "x", Environment: map[string]string{"AWS_LAMBDA_LOG_FORMAT": "Text"}},
			`gofunction: Environment key "AWS_LAMBDA_LOG_FORMAT" ("Text") would contradict the logging configuration, from which Lambda sets it: the function always logs in JSON`},
		{"environment over 4 KB", gofunction.Props{Package: stacks.FunctionPackage, Environment: map[string]string{"A1": strings.Repeat("a", 2100), "B1": strings.Repeat("b", 2100)}},
			"gofunction: Environment is 4217 bytes (2 variables, measured as JSON): Lambda allows at most 4096 bytes in all; move large values to SSM Parameter Store or Secrets Manager"},
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

// A package that does not build fails the synthesis (the functions are
// built when the app is synthesized), naming the package and carrying the
// compiler's output.
func TestGoFunctionBuildFailureNamesPackageAndCompilerOutput(t *testing.T) {
	got := panicMessage(func() {
		stack := newStack()
		gofunction.New(stack, "Fn", &gofunction.Props{Package: "./testdata/broken"})
		awscdk.Stage_Of(stack).Synth(nil)
	})
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
