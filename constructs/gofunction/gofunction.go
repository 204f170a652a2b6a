// Package gofunction provides a CDK construct for a Lambda function built from
// a Go main package on the machine that runs synthesis, without Docker.
//
// The package is compiled for the provided.al2023 runtime (CGO_ENABLED=0,
// -tags lambda.norpc plus the tags GOFLAGS sets, -trimpath, stripped) into a
// file named bootstrap. The asset hash is computed from sources, without
// compiling: every file the build reads that no checksum covers (the
// packages of the main module, of go.work workspace modules, of directory
// replacements and of vendor/, their go.mod and go.sum, go.work and
// go.work.sum), the version of every other module, and the settings that
// change the binary (GOFLAGS, GOEXPERIMENT, GOFIPS140, GOARM64 or
// GOAMD64). So the synthesized template changes with any edit that changes
// the code, and not when only the Go toolchain, its build cache or the
// build machine does.
//
// Builds are cached by asset hash and Go version under the user cache
// directory; syntheses running at the same time, in one process or
// several, share that cache safely. New computes the asset hash; the
// functions whose binary is not cached are built at synthesis, together,
// in one go build (see batch.go). The go list results the hash is
// computed from are cached too, and reused while the files they depend on
// have the same content (see listcache.go).
package gofunction

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3assets"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/httpapi-cdk/httpapi/internal/assemblymeta"
	"github.com/httpapi-cdk/httpapi/internal/propcheck"
	"github.com/httpapi-cdk/httpapi/quota"
)

// Architecture is the instruction set the function runs on, named as GOARCH
// names it.
type Architecture string

// The architectures Lambda offers.
const (
	Arm64 Architecture = "arm64"
	AMD64 Architecture = "amd64"
)

// MetadataPackage is the template metadata key, on the AWS::Lambda::Function
// resource, whose value is the import path of the Go main package the
// function was built from. The local emulator reads it to build the same
// package for the host.
const MetadataPackage = assemblymeta.GoPackage

// MetadataModule is the template metadata key whose value is the path of
// the Go module that holds [MetadataPackage], as its go.mod declares it.
const MetadataModule = assemblymeta.GoModule

// MetadataModuleDir is the template metadata key whose value is the root
// directory of that module relative to the directory synthesis ran in (the
// CDK app's directory, where cdk.json is), with forward slashes: "." when
// the app is the module's root. The local emulator builds the package
// there, so it runs from any directory. It is absent when the module is
// not reachable by a relative path (another volume). Where the app's
// directory is, seen from the cloud assembly, synthesis records once per
// assembly (in its top-level directory), so that an app synthesized into
// any output directory (cdk synth -o) is found.
const MetadataModuleDir = assemblymeta.GoModuleDir

// Props configure a [Function].
type Props struct {
	// Package is the Go main package to build, as the go command names
	// packages: an import path ("example.com/app/function"), which works
	// from any directory of the module, or a directory relative to the one
	// synthesis runs in ("./function"). Exactly one package: patterns
	// ("./...", "all") and values starting with '-' are refused. Required.
	Package string

	// Architecture is the instruction set to build for and run on.
	// Default: Arm64 (Graviton: cheaper per millisecond than x86_64).
	Architecture Architecture

	// MemorySize is the function's memory in MiB, from 128 to 10240.
	// Default: 256.
	MemorySize int

	// Timeout is how long one invocation may run, in whole seconds from
	// 1 s to 15 min. Behind an HTTP API keep it under 30 s (the httpapi
	// construct checks this).
	// Default: 10 s.
	Timeout time.Duration

	// Environment holds environment variables for the function: names of
	// a letter then letters, digits or '_', none of the names Lambda
	// reserves (AWS_REGION, AWS_LAMBDA_FUNCTION_NAME, ...), at most 4 KB
	// in all. Never put a secret here: it would be readable in the
	// template, in cdk.out and in the function's configuration.
	// Default: none.
	Environment map[string]string

	// LogRetention is how long the function's log group keeps log events.
	// Default: awslogs.RetentionDays_ONE_MONTH.
	LogRetention awslogs.RetentionDays

	// Description is the function's description, at most 256 characters.
	// Default: none.
	Description string

	// Tracing turns on AWS X-Ray active tracing. X-Ray's write actions
	// take no resource-level permissions, so the role then allows them on "*".
	// Default: false.
	Tracing bool

	// ApplicationLogLevel is the most detailed level of the function's own
	// log lines that Lambda keeps, from ApplicationTrace to
	// ApplicationFatal; Lambda drops the more detailed ones. Level
	// filtering needs Lambda's JSON log format, which the function always
	// has. Lambda passes the level in AWS_LAMBDA_LOG_LEVEL, which
	// lambdahttp's default logger follows, so that the dropped lines are
	// not even written.
	// Default: unset, Lambda's default (INFO).
	ApplicationLogLevel ApplicationLogLevel

	// SystemLogLevel is the most detailed level of the lines Lambda writes
	// about each invocation (platform.start, platform.report, ...) that it
	// keeps: SystemDebug, SystemInfo or SystemWarn.
	// Default: unset, Lambda's default (INFO).
	SystemLogLevel SystemLogLevel
}

// Function is a Lambda function built from a Go package. It is a construct:
// its children are the function ("Function"), its execution role ("Role")
// and its log group ("LogGroup"). The role may write to that log group and
// nothing else (no managed policy).
type Function interface {
	constructs.Construct
	// Lambda returns the Lambda function.
	Lambda() awslambda.Function
	// LogGroup returns the log group the function writes its JSON logs to.
	LogGroup() awslogs.LogGroup
	// Role returns the function's execution role, to grant it more.
	Role() awsiam.Role
	// ImportPath returns the import path of the Go package the function runs.
	ImportPath() string
}

type function struct {
	constructs.Construct
	role       awsiam.Role
	lambda     awslambda.Function
	logGroup   awslogs.LogGroup
	importPath string
}

func (f *function) Lambda() awslambda.Function { return f.lambda }
func (f *function) LogGroup() awslogs.LogGroup { return f.logGroup }
func (f *function) Role() awsiam.Role          { return f.role }
func (f *function) ImportPath() string         { return f.importPath }

// New defines a Lambda function that runs the Go package named by
// props.Package, built for Lambda when the app is synthesized (at once
// when asset staging is disabled). It panics if props are invalid or the
// package cannot be listed; a package that does not build fails the
// synthesis, with a message that names the package and carries the
// compiler's output (with asset staging disabled, New builds at once and
// panics with that message). Synthesized with SkipValidation, the failure
// is an error annotation, which the CDK CLI refuses to deploy.
func New(scope constructs.Construct, id string, props *Props) Function {
	p := props.withDefaults()
	err := p.validate()
	var b *built
	var deferred *plan
	var facts scopeFacts
	if err == nil {
		facts = factsOf(scope)
		b, deferred, err = prepare(facts, p.Package, string(p.Architecture))
	}
	if err != nil {
		// Every error of the package is worded without its name: it is added here, once.
		panic(propcheck.Prefix("gofunction", err))
	}

	f := &function{importPath: b.importPath}
	constructs.NewConstruct_Override(f, scope, &id)
	rememberFacts(scope, facts)

	f.logGroup = awslogs.NewLogGroup(f, jsii.String("LogGroup"), &awslogs.LogGroupProps{
		Retention: p.LogRetention,
	})
	// Our own role instead of the L2's: AWSLambdaBasicExecutionRole would
	// allow writing to every log group of the account. Writing to the
	// function's log group is an inline policy of the role, not a policy
	// resource of its own (as LogGroup.GrantWrite would add): one resource
	// fewer per function against the stack's quota, and one less for
	// CloudFormation to create before the function. Grants added later go
	// to the role's DefaultPolicy, as usual.
	f.role = awsiam.NewRole(f, jsii.String("Role"), &awsiam.RoleProps{
		AssumedBy:   awsiam.NewServicePrincipal(jsii.String("lambda.amazonaws.com"), nil),
		Description: jsii.String("Execution role of " + *f.Node().Path()),
		InlinePolicies: &map[string]awsiam.PolicyDocument{
			"Logs": awsiam.NewPolicyDocument(&awsiam.PolicyDocumentProps{Statements: &[]awsiam.PolicyStatement{
				awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
					Actions:   jsii.Strings("logs:CreateLogStream", "logs:PutLogEvents"),
					Resources: &[]*string{f.logGroup.LogGroupArn()},
				}),
			}}),
		},
	})
	arch := awslambda.Architecture_ARM_64()
	if p.Architecture == AMD64 {
		arch = awslambda.Architecture_X86_64()
	}
	var env *map[string]*string
	if len(p.Environment) > 0 {
		m := make(map[string]*string, len(p.Environment))
		for k, v := range p.Environment {
			m[k] = jsii.String(v)
		}
		env = &m
	}
	var description *string
	if p.Description != "" {
		description = jsii.String(p.Description)
	}
	tracing := awslambda.Tracing_DISABLED
	if p.Tracing {
		tracing = awslambda.Tracing_ACTIVE
	}
	f.lambda = awslambda.NewFunction(f, jsii.String("Function"), &awslambda.FunctionProps{
		Runtime:      awslambda.Runtime_PROVIDED_AL2023(),
		Architecture: arch,
		Handler:      jsii.String("bootstrap"),
		Code: awslambda.Code_FromAsset(jsii.String(b.dir), &awss3assets.AssetOptions{
			AssetHash:     jsii.String(b.hash),
			AssetHashType: awscdk.AssetHashType_CUSTOM,
		}),
		MemorySize:    jsii.Number(float64(p.MemorySize)),
		Timeout:       awscdk.Duration_Seconds(jsii.Number(p.Timeout.Seconds())),
		Environment:   env,
		LoggingFormat: awslambda.LoggingFormat_JSON,
		LogGroup:      f.logGroup,
		Role:          f.role,
		Description:   description,
		Tracing:       tracing,

		// An unset level ("") leaves Lambda's default.
		ApplicationLogLevelV2: awslambda.ApplicationLogLevel(p.ApplicationLogLevel),
		SystemLogLevelV2:      awslambda.SystemLogLevel(p.SystemLogLevel),
	})
	if err := f.completeAsset(facts, b, deferred); err != nil {
		panic(propcheck.Prefix("gofunction", err))
	}
	cfn := f.lambda.Node().DefaultChild().(awscdk.CfnResource)
	cfn.AddMetadata(jsii.String(MetadataPackage), b.importPath)
	cfn.AddMetadata(jsii.String(MetadataModule), b.modulePath)
	if dir, ok := relativeToApp(b.moduleDir); ok {
		cfn.AddMetadata(jsii.String(MetadataModuleDir), dir)
		recordAppDir(facts.rootOutdir)
	}
	return f
}

// recordAppDir records, in outdir, the top-level directory of a cloud
// assembly, where the app's directory (the working directory, which
// MetadataModuleDir is relative to) is, once per directory and process.
func recordAppDir(outdir string) {
	appDirsMu.Lock()
	defer appDirsMu.Unlock()
	if appDirs[outdir] {
		return
	}
	wd, err := os.Getwd()
	if err != nil {
		return
	}
	if err := assemblymeta.WriteAppDir(outdir, wd); err != nil {
		panic(fmt.Errorf("gofunction: recording the app's directory in the cloud assembly: %w", err))
	}
	appDirs[outdir] = true
}

var (
	appDirsMu sync.Mutex
	appDirs   = map[string]bool{} // assembly directories recordAppDir wrote
)

// relativeToApp returns dir relative to the working directory, the CDK
// app's directory, with forward slashes.
func relativeToApp(dir string) (string, bool) {
	wd, err := os.Getwd()
	if err != nil {
		return "", false
	}
	rel, err := filepath.Rel(wd, dir)
	if err != nil {
		return "", false
	}
	return filepath.ToSlash(rel), true
}

// withDefaults returns a copy of p with every unset field at its default.
func (p *Props) withDefaults() Props {
	var out Props
	if p != nil {
		out = *p
	}
	if out.Architecture == "" {
		out.Architecture = Arm64
	}
	if out.MemorySize == 0 {
		out.MemorySize = 256
	}
	if out.Timeout == 0 {
		out.Timeout = 10 * time.Second
	}
	if out.LogRetention == "" {
		out.LogRetention = awslogs.RetentionDays_ONE_MONTH
	}
	return out
}

// validate checks p, with its defaults; its errors name fields of Props.
func (p *Props) validate() error {
	if p.Package == "" {
		return propcheck.Errorf("Package", " is required: the directory of a Go main package, like \"./function\"")
	}
	if p.Architecture != Arm64 && p.Architecture != AMD64 {
		return propcheck.Errorf("Architecture", " %q is not supported: use gofunction.Arm64 or gofunction.AMD64", p.Architecture)
	}
	if p.MemorySize < quota.MinMemoryMB || p.MemorySize > quota.MaxMemoryMB {
		return propcheck.Errorf("MemorySize", " %d is out of range: use %d to %d (MiB)", p.MemorySize, quota.MinMemoryMB, quota.MaxMemoryMB)
	}
	if p.Timeout < quota.MinFunctionTimeout || p.Timeout > quota.MaxFunctionTimeout || p.Timeout%time.Second != 0 {
		return propcheck.Errorf("Timeout", " %s is not allowed: use whole seconds from %s to %dm", p.Timeout, quota.MinFunctionTimeout, int(quota.MaxFunctionTimeout.Minutes()))
	}
	if p.LogRetention == awslogs.RetentionDays_INFINITE {
		return propcheck.Errorf("LogRetention", " %q keeps logs forever: choose a finite awslogs.RetentionDays", p.LogRetention)
	}
	if n := utf8.RuneCountInString(p.Description); n > quota.FunctionDescriptionChars && !propcheck.IsToken(p.Description) {
		return propcheck.Errorf("Description", " %q is %d characters long: Lambda allows at most %d", propcheck.Abbreviate(p.Description), n, quota.FunctionDescriptionChars)
	}
	if err := validateLogging(p.ApplicationLogLevel, p.SystemLogLevel, p.Environment); err != nil {
		return err
	}
	return validateEnvironment(p.Environment)
}

var environmentKeyPattern = regexp.MustCompile(`^` + quota.EnvironmentKeyPattern + `$`)

// validateEnvironment checks the environment against what Lambda accepts:
// key names, reserved keys, and the total size. Values that are CDK tokens
// are resolved only at deployment and are left out of the size: the size
// checked is then a lower bound.
func validateEnvironment(env map[string]string) error {
	keys := make([]string, 0, len(env))
	for k := range env {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	known := map[string]string{}
	for _, k := range keys {
		if !environmentKeyPattern.MatchString(k) {
			return propcheck.Errorf("Environment", " key %q is not allowed: Lambda accepts names of a letter then at least one letter, digit or '_' (%s)", k, quota.EnvironmentKeyPattern)
		}
		if quota.ReservedEnvironmentKey(k) {
			return propcheck.Errorf("Environment", " key %q is reserved: Lambda sets it and refuses it in a function's configuration", k)
		}
		if !propcheck.IsToken(env[k]) {
			known[k] = env[k]
		}
	}
	// Lambda documents "4 KB for all environment variables" without saying
	// how it counts; measure the compact JSON object of Environment.Variables
	// (keys, values, quotes and separators), the stricter reading.
	b, err := json.Marshal(known)
	if err != nil {
		return propcheck.In("Environment", err)
	}
	if len(b) > quota.EnvironmentBytes {
		return propcheck.Errorf("Environment", " is %d bytes (%d variables, measured as JSON): Lambda allows at most %d bytes in all; move large values to SSM Parameter Store or Secrets Manager",
			len(b), len(env), quota.EnvironmentBytes)
	}
	return nil
}
