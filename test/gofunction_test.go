// The gofunction construct: its defaults, and the invalid props of constructs/gofunction (Props, log levels, Package).

package test

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/jsii-runtime-go"
	"github.com/httpapi-cdk/httpapi/constructs/gofunction"
	"github.com/httpapi-cdk/httpapi/quota"
	"github.com/httpapi-cdk/httpapi/stacks"
)

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
			checkRefusal(t, panicMessage(func() { gofunction.New(newStack(), "Fn", &tc.props) }), tc.want)
		})
	}
}

// A package that does not build fails the synthesis (the functions are
// built when the app is synthesized), naming the package once and
// carrying the compiler's output.
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
	if strings.Count(got, "gofunction:") != 1 {
		t.Errorf("panic message %q names the package more than once", got)
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
