// Package stacks holds the reference stacks, composed only from this
// project's constructs. They differ by props, never by copied bodies.
package stacks

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsroute53"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/httpapi-cdk/httpapi/constructs/gofunction"
	"github.com/httpapi-cdk/httpapi/constructs/httpapi"
	"github.com/httpapi-cdk/httpapi/function/app"
	"github.com/httpapi-cdk/httpapi/internal/nagmeta"
	"github.com/httpapi-cdk/httpapi/openapi"
	"github.com/httpapi-cdk/httpapi/route"
)

// Import paths of the reference functions.
const (
	FunctionPackage   = "github.com/httpapi-cdk/httpapi/function"
	AuthorizerPackage = "github.com/httpapi-cdk/httpapi/function/authorizer"
	HealthPackage     = "github.com/httpapi-cdk/httpapi/function/health"
	NotesPackage      = "github.com/httpapi-cdk/httpapi/function/notes"
)

// Props configure a reference stack.
type Props struct {
	// StackProps are passed to the stack.
	// Default: an environment-agnostic stack.
	StackProps awscdk.StackProps

	// PayloadFormat is the integration's payload format.
	// Default: httpapi.PayloadFormatV2.
	PayloadFormat httpapi.PayloadFormat

	// Auth protects the API: a JWT default authorizer, public greeting
	// routes, the Lambda authorizer on GET /cookies, IAM on GET /report
	// (granted to a ReportReader role) and a scope on POST /echo.
	// Default: nil, every route public.
	Auth *AuthProps

	// Domain serves the API on a custom domain of an existing hosted zone.
	// Default: nil, the execute-api URL only.
	Domain *DomainProps

	// Alarms adds the API's alarms and dashboard, notifying a new topic.
	// Default: false.
	Alarms bool

	// IPAddressType is the API's, and its Domain's, IP address type.
	// Default: "", IPv4.
	IPAddressType httpapi.IPAddressType

	// SharedAPI, when set, adds the routes to that API (another stack's)
	// instead of creating one; Auth, Domain and Alarms then do not apply.
	// Default: nil.
	SharedAPI *SharedAPI
}

// AuthProps configure the reference authorizers.
type AuthProps struct {
	// Issuer and Audience configure the JWT default authorizer.
	Issuer, Audience string
	// AllowedTokenSHA256 are the hex SHA-256 hashes of the bearer tokens
	// the Lambda authorizer admits. Only the hashes reach the template and
	// the function's environment; the tokens stay with their holders.
	AllowedTokenSHA256 []string
}

// ReferenceTokenSHA256 is the SHA-256 of "reference-token", the demo
// bearer token HttpApiProduction's Lambda authorizer admits (the emulator
// tests send it). A real token must be random, so that its hash cannot be
// reversed by guessing.
const ReferenceTokenSHA256 = "43cde1bf2553c750536e06588f0137730f268536691d4966094acb4cb98ab5e7"

// DomainProps name a custom domain in an existing Route 53 zone.
type DomainProps struct {
	Name, HostedZoneID, ZoneName string
}

// Reference is a reference stack: the reference function behind an HTTP API
// with its route table, a $default stage and a "dev" stage, each with its
// stage variables, and CORS for one origin.
type Reference struct {
	awscdk.Stack
	// Function is the reference function.
	Function gofunction.Function
	// Authorizer is the Lambda authorizer function, nil without Auth.
	Authorizer gofunction.Function
	// Health is the health-check function, a second function behind the
	// API; nil without Auth.
	Health gofunction.Function
	// Notes is the net/http function (app.NotesMux), a third function
	// behind the API's JWT authorizer; nil without Auth.
	Notes gofunction.Function
	// API is the HTTP API; nil with SharedAPI.
	API httpapi.API
	// Routes are the routes added to the SharedAPI; nil without it.
	Routes httpapi.Routes
}

// NewReference defines a reference stack.
func NewReference(scope constructs.Construct, id string, props *Props) *Reference {
	var p Props
	if props != nil {
		p = *props
	}
	stack := awscdk.NewStack(scope, jsii.String(id), &p.StackProps)
	ref := &Reference{Stack: stack}
	fnProps := &gofunction.Props{
		Package:     FunctionPackage,
		Timeout:     10 * time.Second,
		Description: "Reference handler of the httpapi construct library",
		Tracing:     p.Auth != nil, // the production variant traces
	}
	if p.Auth != nil {
		// The production variant keeps its request lines but only Lambda's
		// warnings, not its platform.start and platform.report lines.
		fnProps.ApplicationLogLevel = gofunction.ApplicationInfo
		fnProps.SystemLogLevel = gofunction.SystemWarn
	}
	ref.Function = gofunction.New(stack, "Handler", fnProps)
	acknowledgeFunction(ref.Function, p.Auth != nil)
	options := httpapi.RouteOptions{PayloadFormat: p.PayloadFormat}

	if p.SharedAPI != nil {
		stack.AddStackDependency(p.SharedAPI.Stack, jsii.String("the routes belong to the shared API"))
		shared := awsapigatewayv2.HttpApi_FromHttpApiAttributes(stack, jsii.String("SharedApi"), &awsapigatewayv2.HttpApiAttributes{
			HttpApiId: awscdk.Fn_ImportValue(jsii.String(p.SharedAPI.ExportName)),
		})
		ref.Routes = httpapi.NewRoutes(stack, "Routes", &httpapi.RoutesProps{
			API: shared, Handler: ref.Function.Lambda(), Source: app.Router(nil), RouteOptions: options,
		})
		for _, r := range ref.Routes.Routes() {
			nagmeta.Acknowledge(r.HttpRoute.Node().DefaultChild(), "AwsSolutions-APIG4", publicAPI)
		}
		return ref
	}

	var overrides map[route.Key]httpapi.RouteOptions
	if p.Auth != nil {
		for _, h := range p.Auth.AllowedTokenSHA256 {
			if b, err := hex.DecodeString(h); err != nil || len(b) != sha256.Size {
				panic(fmt.Errorf("stacks: AuthProps.AllowedTokenSHA256: %q is not a hex SHA-256 hash (64 hex digits): list hashes of the tokens, never the tokens", h))
			}
		}
		ref.Authorizer = gofunction.New(stack, "Authorizer", &gofunction.Props{
			Package:     AuthorizerPackage,
			Timeout:     3 * time.Second,
			Environment: map[string]string{"ALLOWED_TOKEN_SHA256": strings.Join(p.Auth.AllowedTokenSHA256, ",")},
			Description: "Reference Lambda authorizer of the httpapi construct library",
			Tracing:     true,
		})
		acknowledgeFunction(ref.Authorizer, true)
		options.Authorizer = &httpapi.JWTAuthorizer{Issuer: p.Auth.Issuer, Audiences: []string{p.Auth.Audience}}
		public := httpapi.RouteOptions{Authorizer: &httpapi.NoAuthorizer{}}
		overrides = map[route.Key]httpapi.RouteOptions{
			route.MustParse("GET /hello"):        {Authorizer: &httpapi.NoAuthorizer{}, DetailedMetrics: true},
			route.MustParse("GET /hello/{name}"): public,
			route.MustParse("GET /pixel.png"):    public,
			route.MustParse("GET /cookies"):      {Authorizer: &httpapi.LambdaAuthorizer{Function: ref.Authorizer.Lambda(), CacheTTL: 5 * time.Minute}},
			route.MustParse("GET /report"):       {Authorizer: &httpapi.IAMAuthorizer{}},
			route.MustParse("POST /echo"):        {Scopes: []string{"echo:write"}, Throttle: httpapi.Throttle{RateLimit: 10, BurstLimit: 5}},
		}
	}
	ref.API = httpapi.New(stack, "Api", &httpapi.Props{
		Handler:        ref.Function.Lambda(),
		Source:         app.Router(nil),
		RouteOptions:   options,
		RouteOverrides: overrides,
		Description:    "Reference HTTP API of the httpapi construct library",
		OpenAPI:        referenceOpenAPI,
		IPAddressType:  p.IPAddressType,
		DefaultStage: &httpapi.StageOptions{
			Description: "Production traffic, at the root of the API's URL",
			Variables:   map[string]string{"environment": "production"},
		},
		Stages: []httpapi.StageOptions{{
			Name:      "dev",
			Variables: map[string]string{"environment": "dev"},
		}},
		Cors: &httpapi.Cors{
			AllowOrigins: []string{"https://example.com"},
			AllowMethods: []string{"GET", "POST"},
			MaxAge:       10 * time.Minute,
		},
	})
	if p.Auth != nil {
		// A second function behind the same API, with its own routes and
		// options: public, payload format 1.0.
		ref.Health = gofunction.New(stack, "Health", &gofunction.Props{
			Package: HealthPackage, Timeout: 3 * time.Second, Tracing: true,
			Description: "Reference health check of the httpapi construct library",
		})
		acknowledgeFunction(ref.Health, true)
		ref.API.AddRoutes(ref.Health.Lambda(), app.HealthRoutes(), &httpapi.RouteOptions{
			Authorizer: &httpapi.NoAuthorizer{}, PayloadFormat: httpapi.PayloadFormatV1,
		})
		// A net/http function: its ServeMux's keys are the routes, behind
		// the API's JWT authorizer, whose claims its handlers read.
		ref.Notes = gofunction.New(stack, "Notes", &gofunction.Props{
			Package: NotesPackage, Timeout: 3 * time.Second, Tracing: true,
			Description: "Reference net/http function of the httpapi construct library",
		})
		acknowledgeFunction(ref.Notes, true)
		ref.API.AddSource(ref.Notes.Lambda(), app.NotesMux(), &httpapi.RouteOptions{Authorizer: options.Authorizer})
		reader := awsiam.NewRole(stack, jsii.String("ReportReader"), &awsiam.RoleProps{
			AssumedBy:   awsiam.NewAccountRootPrincipal(),
			Description: jsii.String("May call GET /report of the reference API (IAM-authorized)"),
		})
		ref.API.GrantInvoke(reader, route.MustParse("GET /report"))
		nagmeta.Acknowledge(reader.Node().FindChild(jsii.String("DefaultPolicy")).Node().DefaultChild(), "AwsSolutions-IAM5", "execute-api:Invoke on one API, one method and one path; the wildcard is the stage, so the grant holds on $default and dev alike")
		for _, r := range ref.API.Routes() {
			if _, public := r.Options.Authorizer.(*httpapi.NoAuthorizer); public && r.Key.Method != "OPTIONS" {
				nagmeta.Acknowledge(r.HttpRoute.Node().DefaultChild(), "AwsSolutions-APIG4", "public by design: "+r.Key.String()+" serves greetings, a static image or a health check, no user data")
			}
		}
	} else {
		for _, r := range ref.API.Routes() {
			nagmeta.Acknowledge(r.HttpRoute.Node().DefaultChild(), "AwsSolutions-APIG4", publicAPI)
		}
	}
	if p.Domain != nil {
		zone := awsroute53.HostedZone_FromHostedZoneAttributes(stack, jsii.String("Zone"), &awsroute53.HostedZoneAttributes{
			HostedZoneId: jsii.String(p.Domain.HostedZoneID), ZoneName: jsii.String(p.Domain.ZoneName),
		})
		ref.API.AddDomain("Domain", &httpapi.DomainOptions{
			Name: p.Domain.Name, HostedZone: zone,
			Mappings: []httpapi.DomainMapping{{Stage: "$default"}, {Stage: "dev", Key: "dev"}},
		})
	}
	if p.Alarms {
		topic := awssns.NewTopic(stack, jsii.String("AlarmTopic"), &awssns.TopicProps{EnforceSSL: jsii.Bool(true)})
		ref.API.AddAlarms("Alarms", &httpapi.AlarmOptions{Topic: topic, Dashboard: true})
	}
	return ref
}

// SharedAPI is a stack holding an HTTP API that other stacks add routes
// to. It exports the API's id as ExportName.
type SharedAPI struct {
	awscdk.Stack
	// API is the shared HTTP API.
	API httpapi.API
	// ExportName is the export of the API id: "<stack name>-HttpApiId".
	ExportName string
}

// NewSharedAPI defines a stack with an HTTP API and no routes, exported
// for NewReference's SharedAPI.
func NewSharedAPI(scope constructs.Construct, id string, stackProps *awscdk.StackProps) *SharedAPI {
	stack := awscdk.NewStack(scope, jsii.String(id), stackProps)
	api := httpapi.New(stack, "Api", &httpapi.Props{Description: "Shared HTTP API of the httpapi construct library", OpenAPI: referenceOpenAPI})
	s := &SharedAPI{Stack: stack, API: api, ExportName: id + "-HttpApiId"}
	awscdk.NewCfnOutput(stack, jsii.String("HttpApiId"), &awscdk.CfnOutputProps{
		Value: api.HttpApi().ApiId(), ExportName: jsii.String(s.ExportName),
		Description: jsii.String("Id of the shared HTTP API, for stacks that add routes to it"),
	})
	return s
}

// NewApp defines every reference stack in app:
//   - "HttpApiReference": payload 2.0, every route public;
//   - "HttpApiReferenceV1": the same with payload format 1.0;
//   - "HttpApiProduction": authorizers, a custom domain, alarms, and
//     dual-stack (IPv4 and IPv6) endpoints;
//   - "HttpApiShared" and "HttpApiService": an API in one stack, the
//     function and its routes in another.
func NewApp(a awscdk.App) []*Reference {
	shared := NewSharedAPI(a, "HttpApiShared", nil)
	return []*Reference{
		NewReference(a, "HttpApiReference", nil),
		NewReference(a, "HttpApiReferenceV1", &Props{PayloadFormat: httpapi.PayloadFormatV1}),
		NewReference(a, "HttpApiProduction", &Props{
			Auth:          &AuthProps{Issuer: "https://auth.example.com", Audience: "reference-api", AllowedTokenSHA256: []string{ReferenceTokenSHA256}},
			Domain:        &DomainProps{Name: "api.example.com", HostedZoneID: "Z0123456789EXAMPLE", ZoneName: "example.com"},
			Alarms:        true,
			IPAddressType: httpapi.DualStack,
		}),
		NewReference(a, "HttpApiService", &Props{SharedAPI: shared}),
	}
}

// referenceOpenAPI is the info of the reference APIs' OpenAPI documents.
var referenceOpenAPI = httpapi.OpenAPIInfo{
	Version: "1.0.0",
	Contact: &openapi.Contact{Name: "httpapi-cdk", URL: "https://github.com/httpapi-cdk/httpapi"},
}

// publicAPI is why the demo APIs' routes have no authorizer.
const publicAPI = "public demo API: its routes return greetings, echoes and generated data, never user data; HttpApiProduction shows the same routes behind authorizers"

// acknowledgeFunction records the acknowledgements every reference function needs.
func acknowledgeFunction(f gofunction.Function, traced bool) {
	fn := f.Lambda().Node().DefaultChild()
	nagmeta.Acknowledge(fn, "Serverless-LambdaDLQ", "invoked synchronously by API Gateway: the caller gets the error, and a dead-letter queue only receives failed asynchronous invocations")
	if !traced {
		nagmeta.Acknowledge(fn, "Serverless-LambdaTracing", "X-Ray tracing is off in the demo stacks to keep them free of tracing cost; HttpApiProduction turns it on")
	} else {
		nagmeta.Acknowledge(f.Role().Node().FindChild(jsii.String("DefaultPolicy")).Node().DefaultChild(), "AwsSolutions-IAM5", "xray:PutTraceSegments and xray:PutTelemetryRecords take no resource-level permissions: AWS requires Resource \"*\" for them")
	}
}
