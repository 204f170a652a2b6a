// Package httpapi provides CDK constructs that put an API Gateway HTTP API
// in front of Lambda functions: routes from a route table, Lambda proxy
// integrations (payload format 2.0 or 1.0), a $default stage, named stages,
// or both, with JSON access logs and throttling, validated CORS, JWT,
// Cognito, Lambda and IAM authorizers, IPv4 or dual-stack endpoints, custom
// domains, alarms, and least-privilege invoke permissions planned to fit
// Lambda's 20 KB resource-policy limit.
//
// Routes are [route.Key] values, the same values a handler built with this
// project's function toolkit dispatches on, so the deployed routes and the
// handler cannot drift apart. [New] creates an API; [NewRoutes] adds routes
// to an API that lives in another stack.
package httpapi

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/httpapi-cdk/httpapi/internal/propcheck"
	"github.com/httpapi-cdk/httpapi/openapi"
	"github.com/httpapi-cdk/httpapi/quota"
	"github.com/httpapi-cdk/httpapi/route"
)

// PayloadFormat is the version of the event API Gateway sends to a Lambda
// proxy integration and of the response it expects back.
type PayloadFormat string

// The payload formats HTTP APIs support.
const (
	PayloadFormatV2 PayloadFormat = "2.0"
	PayloadFormatV1 PayloadFormat = "1.0"
)

// MaxRoutes is the HTTP API quota of routes per API, [quota.RoutesPerAPI].
const MaxRoutes = quota.RoutesPerAPI

// MaxIntegrationTimeout is the longest an HTTP API waits for an
// integration, [quota.MaxIntegrationTimeout].
const MaxIntegrationTimeout = quota.MaxIntegrationTimeout

// Props configure an [API].
type Props struct {
	// Handler is the function that serves Routes.
	// Default: none; required when Routes is not empty.
	Handler awslambda.IFunction

	// Routes are the routes Handler serves. Include route.Default() for a
	// catch-all $default route.
	// Default: none; add routes later with AddRoutes.
	Routes []route.Key

	// Source is the handler's route table, instead of Routes: its keys are
	// the routes Handler serves, and its operations (typed routes' path
	// and query parameters, bodies and error answers) describe them in
	// the API's OpenAPI document. lambdahttp's Router and ServeMux are
	// sources, so the routes are declared once, in the handler.
	// Default: none; Routes.
	Source openapi.Source

	// RouteOptions configure every route of the API, including those added
	// later with AddRoutes; its Authorizer is the API's default authorizer.
	RouteOptions

	// RouteOverrides override RouteOptions for some of Routes, such as a
	// public route (&NoAuthorizer{}) behind a default authorizer, or a
	// route's own throttle. Each key must be one of Routes.
	// Default: none.
	RouteOverrides map[route.Key]RouteOptions

	// Name is the API's name, at most 128 characters.
	// Default: the construct's id.
	Name string

	// Description is the API's description, at most 1024 characters.
	// Default: none.
	Description string

	// DefaultStage configures the $default stage, served at the root of
	// the API's URL: its Name must be empty or "$default".
	// Default: a $default stage that deploys automatically, with no
	// variables nor description, and the API's Throttle.
	DefaultStage *StageOptions

	// NoDefaultStage creates the API without a $default stage, serving
	// only its named Stages, each under its name: a request whose first
	// path segment is no stage's name is answered 404. It needs at least
	// one of Stages, and no DefaultStage. The CDK's L2 calls it
	// createDefaultStage: false.
	// Default: false, the API has a $default stage.
	NoDefaultStage bool

	// Stages are named stages, each served under its name as the first
	// path segment: with the $default stage, at most 9, the HTTP API quota
	// of 10 stages per API less $default; with NoDefaultStage, at most 10.
	// Default: none.
	Stages []StageOptions

	// IPAddressType is who may call the API's execute-api endpoint: IPv4
	// clients only (IPv4), or IPv4 and IPv6 clients (DualStack). It is
	// also the default of the API's custom domains (DomainOptions).
	// Default: "", API Gateway's default, IPv4.
	IPAddressType IPAddressType

	// Cors configures API Gateway's CORS handling.
	// Default: nil, CORS off: API Gateway adds no CORS headers and does not
	// answer preflight requests.
	Cors *Cors

	// AccessLogs configure the access logs every stage writes.
	// Default: JSON access logs to a log group kept one month.
	AccessLogs AccessLogs

	// Throttle is the default rate limit of every stage.
	// Default: 1000 requests per second with a burst of 500.
	Throttle Throttle

	// OpenAPI sets the info of the API's OpenAPI document: the version of
	// its contract, its contact and its licence.
	// Default: version "unversioned", no contact nor licence.
	OpenAPI OpenAPIInfo

	// DisableExecuteAPIEndpoint turns off the default
	// https://{id}.execute-api.{region}.amazonaws.com endpoint, so that
	// clients must come through a custom domain (AddDomain). Without a
	// domain the API cannot be called at all: synthesis warns
	// (httpapi:NoEndpoint).
	// Default: false.
	DisableExecuteAPIEndpoint bool
}

// API is an HTTP API with Lambda proxy integrations. It is a construct; its
// children are the L2 HTTP API ("HttpApi"), the stages ("DefaultStage",
// "Stage<name>"), the access log group ("AccessLogs"), the invoke
// permissions ("Invoke<n> <resource>") and the URL outputs ("Url" for the
// $default stage, "<stage>Url" for each named stage).
type API interface {
	constructs.Construct
	// HttpApi returns the L2 HTTP API, for what this construct does not
	// cover, or to add routes from another stack with NewRoutes.
	HttpApi() awsapigatewayv2.HttpApi
	// URL returns the URL of the $default stage, ending in "/". For an API
	// with Props.NoDefaultStage it returns the URL of the first of
	// Props.Stages, ending in the stage's name
	// (https://{id}.execute-api.{region}.amazonaws.com/{stage}).
	URL() *string
	// Stage returns the stage with the given name ("$default" for the
	// default stage), or nil.
	Stage(name string) awsapigatewayv2.HttpStage
	// Stages returns every stage: $default first unless
	// Props.NoDefaultStage, then in the order of Props.Stages.
	Stages() []awsapigatewayv2.HttpStage
	// AccessLogGroup returns the access log group, nil when access logs are off.
	AccessLogGroup() awslogs.ILogGroup
	// Routes returns the routes in the order they were added.
	Routes() []Route
	// Functions returns the functions behind the routes, in the order they
	// were first added.
	Functions() []awslambda.IFunction
	// AddSource routes each key of src, a handler's route table, to fn, as
	// AddRoutes does, and documents them with src's operations.
	AddSource(fn awslambda.IFunction, src openapi.Source, opts *RouteOptions) []Route
	// AddRoutes routes each key to fn, with opts over Props.RouteOptions.
	// It panics if a key is invalid, if opts are invalid, or if a key is
	// already routed on this API, by this or another construct, or differs
	// from a routed key only in variable names (route.Key.Ambiguous).
	AddRoutes(fn awslambda.IFunction, keys []route.Key, opts *RouteOptions) []Route
	// GrantInvoke allows grantee to call the given routes on every stage:
	// execute-api:Invoke on each route's resource as IAM evaluates it
	// (route.Key.InvokeResource; every method and path for $default). API
	// Gateway checks the permission only on routes with an IAMAuthorizer:
	// for any other route the grant changes nothing, and GrantInvoke adds a
	// warning (httpapi:GrantInvokeNotIAM) to the API. It panics if a key is
	// not a route of this API.
	GrantInvoke(grantee awsiam.IGrantable, keys ...route.Key) awsiam.Grant
	// AddDomain serves the API on a custom domain name.
	AddDomain(id string, opts *DomainOptions) Domain
	// AddAlarms creates CloudWatch alarms on the API and its functions.
	AddAlarms(id string, opts *AlarmOptions) Alarms
}

type api struct {
	constructs.Construct
	httpApi   awsapigatewayv2.HttpApi
	stages    []awsapigatewayv2.HttpStage
	accessLog awslogs.ILogGroup
	table     *routeTable
	domains   map[string]string // domain name to the id of its Domain construct
	// ipAddressType is Props.IPAddressType, the default of its domains.
	ipAddressType IPAddressType
	// domainIPTypes are the IP address types of the domains, in the order added.
	domainIPTypes []IPAddressType
}

// New creates an HTTP API whose routes invoke props.Handler. It panics with
// an error naming the offending prop if props are invalid.
func New(scope constructs.Construct, id string, props *Props) API {
	p := props.withDefaults()
	if p.Name == "" {
		p.Name = id
	}
	var ops map[route.Key]openapi.Operation
	if p.Source != nil {
		if len(p.Routes) > 0 {
			panicInvalid(propcheck.Errorf("Routes", " and Source are both set (%d routes): set Source alone, its keys are the routes", len(p.Routes)))
		}
		p.Routes, ops = sourceKeys(p.Source)
	}
	panicInvalid(p.validate())

	a := &api{domains: map[string]string{}, ipAddressType: p.IPAddressType}
	constructs.NewConstruct_Override(a, scope, &id)

	name := p.Name
	var description *string
	if p.Description != "" {
		description = jsii.String(p.Description)
	}
	apiProps := &awsapigatewayv2.HttpApiProps{
		ApiName:            jsii.String(name),
		Description:        description,
		CorsPreflight:      p.Cors.preflight(),
		CreateDefaultStage: jsii.Bool(false),
	}
	if p.DisableExecuteAPIEndpoint {
		apiProps.DisableExecuteApiEndpoint = jsii.Bool(true)
	}
	if p.IPAddressType != "" {
		apiProps.IpAddressType = p.IPAddressType.cdk()
	}
	a.httpApi = awsapigatewayv2.NewHttpApi(a, jsii.String("HttpApi"), apiProps)

	var logs awsapigatewayv2.IAccessLogSettings
	a.accessLog, logs = newAccessLogs(a, &p.AccessLogs)
	if !p.NoDefaultStage {
		var d StageOptions
		if p.DefaultStage != nil {
			d = *p.DefaultStage
		}
		d.Name = defaultStageName
		a.stages = append(a.stages, newStage(a, "DefaultStage", &d, logs, p.Throttle))
	}
	for i := range p.Stages {
		s := &p.Stages[i]
		a.stages = append(a.stages, newStage(a, "Stage"+s.Name, s, logs, p.Throttle))
	}
	if !p.DisableExecuteAPIEndpoint {
		for _, s := range a.stages {
			awscdk.NewCfnOutput(a, jsii.String(stageOutputID(*s.StageName())), &awscdk.CfnOutputProps{
				Value:       s.Url(),
				Description: jsii.String(fmt.Sprintf("URL of the %s stage of %s", *s.StageName(), name)),
			})
		}
	}

	a.table = newRouteTable(a, a.httpApi, a.httpApi, p.RouteOptions)
	a.table.cors = p.Cors
	a.table.stages = a.Stages
	a.table.describe(ops)
	a.table.doc = &documentInfo{title: p.Name, description: p.Description, executeAPI: !p.DisableExecuteAPIEndpoint, info: p.OpenAPI}
	if p.Handler != nil && len(p.Routes) == 0 {
		awscdk.Annotations_Of(a).AddWarningV2(jsii.String("httpapi:HandlerWithoutRoutes"), jsii.String(fmt.Sprintf(
			"httpapi: Handler %s is set but Routes is empty: it serves nothing; list its routes in Routes, or add them with AddRoutes and leave Handler unset",
			*p.Handler.Node().Path())))
	}
	if p.DisableExecuteAPIEndpoint {
		// Domains are added after New: look at synthesis.
		a.table.atSynthesis = append(a.table.atSynthesis, func() {
			if len(a.domains) == 0 {
				awscdk.Annotations_Of(a).AddWarningV2(jsii.String("httpapi:NoEndpoint"), jsii.String(
					"httpapi: DisableExecuteAPIEndpoint is set and the API has no custom domain (AddDomain): no client can reach it"))
				return
			}
			if p.IPAddressType == DualStack && !slices.Contains(a.domainIPTypes, DualStack) {
				awscdk.Annotations_Of(a).AddWarningV2(jsii.String("httpapi:NoIPv6Endpoint"), jsii.String(
					"httpapi: IPAddressType is DualStack but DisableExecuteAPIEndpoint is set and every custom domain is IPv4: no IPv6 client can reach the API; make a domain DualStack (DomainOptions.IPAddressType)"))
			}
		})
	}
	if len(p.Routes) > 0 {
		var plain []route.Key
		for _, k := range p.Routes {
			if o, ok := p.RouteOverrides[k]; ok {
				a.table.add(p.Handler, []route.Key{k}, &o, overrideField(k))
			} else {
				plain = append(plain, k)
			}
		}
		// Keep declaration order in the template: add the rest in one call.
		if len(plain) > 0 {
			a.table.add(p.Handler, plain, nil, "RouteOptions")
		}
	}
	return a
}

// panicInvalid panics with err, if any, with the package's name in front:
// the one place the package's prop errors, worded without it, get it.
func panicInvalid(err error) {
	if err != nil {
		panic(propcheck.Prefix("httpapi", err))
	}
}

// overrideField is the path of the RouteOverrides entry of k.
func overrideField(k route.Key) string {
	return propcheck.Join("RouteOverrides", propcheck.Key(k.String()))
}

// defaultStageName is the name of the stage served at the root of the API's URL.
const defaultStageName = "$default"

func stageOutputID(stage string) string {
	if stage == defaultStageName {
		return "Url"
	}
	return stage + "Url"
}

func (a *api) HttpApi() awsapigatewayv2.HttpApi { return a.httpApi }
func (a *api) URL() *string                     { return a.stages[0].Url() }
func (a *api) Stages() []awsapigatewayv2.HttpStage {
	return slices.Clone(a.stages)
}
func (a *api) AccessLogGroup() awslogs.ILogGroup { return a.accessLog }
func (a *api) Routes() []Route                   { return slices.Clone(a.table.routes) }
func (a *api) Functions() []awslambda.IFunction  { return slices.Clone(a.table.functions) }

func (a *api) Stage(name string) awsapigatewayv2.HttpStage {
	for _, s := range a.stages {
		if *s.StageName() == name {
			return s
		}
	}
	return nil
}

func (a *api) AddSource(fn awslambda.IFunction, src openapi.Source, opts *RouteOptions) []Route {
	if src == nil {
		panicInvalid(errors.New("AddSource needs a route table, got nil"))
	}
	keys, ops := sourceKeys(src)
	a.table.describe(ops)
	return a.table.add(fn, keys, opts, "RouteOptions")
}

func (a *api) AddRoutes(fn awslambda.IFunction, keys []route.Key, opts *RouteOptions) []Route {
	return a.table.add(fn, keys, opts, "RouteOptions")
}

func (a *api) GrantInvoke(grantee awsiam.IGrantable, keys ...route.Key) awsiam.Grant {
	if grantee == nil || len(keys) == 0 {
		panicInvalid(fmt.Errorf("GrantInvoke needs a grantee and the routes to grant, got %d routes", len(keys)))
	}
	stack := awscdk.Stack_Of(a)
	var arns []*string
	for _, k := range keys {
		if !a.table.routed[k] {
			panicInvalid(fmt.Errorf("GrantInvoke: route %q is not a route of this API", k.String()))
		}
		if kind := a.table.authorizationType(k); kind != "AWS_IAM" {
			awscdk.Annotations_Of(a).AddWarningV2(jsii.String("httpapi:GrantInvokeNotIAM"), jsii.String(fmt.Sprintf(
				"GrantInvoke: route %q has authorization type %s, not an IAMAuthorizer: API Gateway does not check execute-api:Invoke on it, so this grant changes nothing; give the route &httpapi.IAMAuthorizer{}",
				k.String(), kind)))
		}
		arns = append(arns, stack.FormatArn(&awscdk.ArnComponents{
			Service: jsii.String("execute-api"), Resource: a.httpApi.ApiId(),
			ResourceName: jsii.String(k.InvokeResource("*")), ArnFormat: awscdk.ArnFormat_SLASH_RESOURCE_NAME,
		}))
	}
	return awsiam.Grant_AddToPrincipal(&awsiam.GrantOnPrincipalOptions{
		Grantee: grantee, Actions: jsii.Strings("execute-api:Invoke"), ResourceArns: &arns,
	})
}

// functionTimeout returns the timeout of a function defined in this app,
// or 0 when it is unknown (an imported function, or a token).
func functionTimeout(fn awslambda.IFunction) time.Duration {
	child := fn.Node().DefaultChild()
	if child == nil {
		return 0
	}
	cfn, ok := child.(awslambda.CfnFunction)
	if !ok {
		return 0
	}
	timeout := cfn.Timeout()
	if timeout == nil {
		return quota.DefaultFunctionTimeout
	}
	if *awscdk.Token_IsUnresolved(timeout) {
		return 0
	}
	return time.Duration(*timeout) * time.Second
}

func (p *Props) withDefaults() Props {
	var out Props
	if p != nil {
		out = *p
	}
	out.AccessLogs = out.AccessLogs.withDefaults()
	out.Throttle = out.Throttle.withDefaults()
	return out
}

// validate checks p, with its defaults; its errors name fields of Props.
func (p *Props) validate() error {
	if len(p.Routes) > 0 && p.Handler == nil {
		return propcheck.Errorf("Handler", " is required when Routes is set (got %d routes and no Handler)", len(p.Routes))
	}
	if err := propcheck.Length("Name", p.Name, 1, quota.APINameChars); err != nil {
		return err
	}
	if err := propcheck.Length("Description", p.Description, 0, quota.DescriptionChars); err != nil {
		return err
	}
	if p.NoDefaultStage && len(p.Stages) == 0 {
		return propcheck.Errorf("NoDefaultStage", " needs at least one of Stages, got none: an API without stages serves nothing; name a stage in Stages, or leave NoDefaultStage unset")
	}
	if p.NoDefaultStage && p.DefaultStage != nil {
		return propcheck.Errorf("DefaultStage", " configures the $default stage, which NoDefaultStage leaves out: set one or the other")
	}
	if err := validateStages(p.Stages, !p.NoDefaultStage); err != nil {
		return propcheck.In("Stages", err)
	}
	if err := p.IPAddressType.validate(); err != nil {
		return propcheck.In("IPAddressType", err)
	}
	if err := p.OpenAPI.validate(); err != nil {
		return propcheck.In("OpenAPI", err)
	}
	if d := p.DefaultStage; d != nil {
		if err := d.validate(false); err != nil {
			return propcheck.In("DefaultStage", err)
		}
	}
	o := p.RouteOptions.withDefaults()
	if err := o.validate(); err != nil {
		return propcheck.In("RouteOptions", err)
	}
	// In a stable order, so that the same props give the same message.
	overridden := slices.SortedFunc(maps.Keys(p.RouteOverrides), func(a, b route.Key) int { return strings.Compare(a.String(), b.String()) })
	for _, k := range overridden {
		if !slices.Contains(p.Routes, k) {
			return propcheck.Errorf("RouteOverrides", ": route %q is not one of Routes: each override must name a route of the table", k.String())
		}
		ov := p.RouteOverrides[k]
		m := ov.merge(p.RouteOptions).withDefaults()
		if err := m.validate(); err != nil {
			return propcheck.In(overrideField(k), err)
		}
	}
	if err := p.Cors.validate(); err != nil {
		return propcheck.In("Cors", err)
	}
	if err := p.AccessLogs.validate(); err != nil {
		return propcheck.In("AccessLogs", err)
	}
	if err := p.Throttle.validate(); err != nil {
		return propcheck.In("Throttle", err)
	}
	return nil
}
