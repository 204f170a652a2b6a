// Package httpapi provides a CDK construct that puts an API Gateway HTTP API
// in front of Lambda functions: routes from a route table, Lambda proxy
// integrations (payload format 2.0 or 1.0), a $default stage and named
// stages with JSON access logs and throttling, validated CORS, and
// least-privilege invoke permissions planned to fit Lambda's 20 KB
// resource-policy limit.
//
// Routes are [route.Key] values, the same values a handler built with this
// project's function toolkit dispatches on, so the deployed routes and the
// handler cannot drift apart.
package httpapi

import (
	"fmt"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

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

// MaxRoutes is the HTTP API quota of routes per API.
const MaxRoutes = 300

// MaxIntegrationTimeout is the longest an HTTP API waits for an integration.
const MaxIntegrationTimeout = 30 * time.Second

// RouteOptions configure the integration behind a set of routes.
type RouteOptions struct {
	// PayloadFormat is the event format the function receives.
	// Default: PayloadFormatV2.
	PayloadFormat PayloadFormat

	// IntegrationTimeout is how long API Gateway waits for the function
	// before it answers 503, from 50 ms to 30 s. It must be longer than the
	// function's own timeout, so that a slow function ends with its own
	// error rather than a gateway 503 while it keeps running.
	// Default: 30 s.
	IntegrationTimeout time.Duration
}

// Props configure an [API].
type Props struct {
	// Handler is the function that serves Routes.
	// Default: none; required when Routes is not empty.
	Handler awslambda.IFunction

	// Routes are the routes Handler serves. Include route.Default() for a
	// catch-all $default route.
	// Default: none; add routes later with AddRoutes.
	Routes []route.Key

	// RouteOptions configure the integration of Routes.
	RouteOptions

	// Name is the API's name.
	// Default: the construct's id.
	Name string

	// Description is the API's description.
	// Default: none.
	Description string

	// Stages are named stages in addition to $default, each served under
	// its name as the first path segment.
	// Default: none.
	Stages []StageOptions

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
}

// API is an HTTP API with Lambda proxy integrations. It is a construct; its
// children are the L2 HTTP API ("HttpApi"), the stages, the access log group
// ("AccessLogs"), the invoke permissions and the URL outputs.
type API interface {
	constructs.Construct
	// HttpApi returns the L2 HTTP API, for what this construct does not cover.
	HttpApi() awsapigatewayv2.HttpApi
	// URL returns the URL of the $default stage, ending in "/".
	URL() *string
	// Stage returns the stage with the given name ("$default" for the
	// default stage), or nil.
	Stage(name string) awsapigatewayv2.HttpStage
	// Stages returns every stage, $default first, then in the order of Props.Stages.
	Stages() []awsapigatewayv2.HttpStage
	// Routes returns the routes in the order they were added.
	Routes() []Route
	// Functions returns the functions behind the routes, in the order they
	// were first added.
	Functions() []awslambda.IFunction
	// AddRoutes routes each key to fn. It panics if a key is invalid or
	// already routed, or if opts are invalid.
	AddRoutes(fn awslambda.IFunction, keys []route.Key, opts *RouteOptions) []Route
}

// Route is one route of an [API].
type Route struct {
	// Key is the route's key.
	Key route.Key
	// Function is the function the route invokes.
	Function awslambda.IFunction
	// HttpRoute is the L2 route.
	HttpRoute awsapigatewayv2.HttpRoute
}

type api struct {
	constructs.Construct
	httpApi      awsapigatewayv2.HttpApi
	stages       []awsapigatewayv2.HttpStage
	routes       []Route
	routed       map[route.Key]bool
	functions    []awslambda.IFunction
	integrations map[string]*lambdaIntegration
	planner      *permissionPlanner
}

// New creates an HTTP API whose routes invoke props.Handler. It panics with
// an error naming the offending prop if props are invalid.
func New(scope constructs.Construct, id string, props *Props) API {
	p := props.withDefaults()
	if err := p.validate(); err != nil {
		panic(err)
	}

	a := &api{routed: map[route.Key]bool{}, integrations: map[string]*lambdaIntegration{}}
	constructs.NewConstruct_Override(a, scope, &id)

	name := p.Name
	if name == "" {
		name = id
	}
	var description *string
	if p.Description != "" {
		description = jsii.String(p.Description)
	}
	a.httpApi = awsapigatewayv2.NewHttpApi(a, jsii.String("HttpApi"), &awsapigatewayv2.HttpApiProps{
		ApiName:            jsii.String(name),
		Description:        description,
		CorsPreflight:      p.Cors.preflight(),
		CreateDefaultStage: jsii.Bool(false),
	})

	logs := newAccessLogs(a, &p.AccessLogs)
	a.stages = append(a.stages, newStage(a, "DefaultStage", &StageOptions{Name: "$default"}, logs, p.Throttle))
	for i := range p.Stages {
		s := &p.Stages[i]
		a.stages = append(a.stages, newStage(a, "Stage"+s.Name, s, logs, p.Throttle))
	}
	for _, s := range a.stages {
		out := awscdk.NewCfnOutput(a, jsii.String(stageOutputID(*s.StageName())), &awscdk.CfnOutputProps{
			Value:       s.Url(),
			Description: jsii.String(fmt.Sprintf("URL of the %s stage of %s", *s.StageName(), name)),
		})
		_ = out
	}

	a.planner = &permissionPlanner{api: a}
	awscdk.Aspects_Of(a).Add(a.planner, nil)

	if len(p.Routes) > 0 {
		a.AddRoutes(p.Handler, p.Routes, &p.RouteOptions)
	}
	return a
}

func stageOutputID(stage string) string {
	if stage == "$default" {
		return "Url"
	}
	return stage + "Url"
}

func (a *api) HttpApi() awsapigatewayv2.HttpApi { return a.httpApi }
func (a *api) URL() *string                     { return a.stages[0].Url() }
func (a *api) Stages() []awsapigatewayv2.HttpStage {
	return append([]awsapigatewayv2.HttpStage(nil), a.stages...)
}
func (a *api) Routes() []Route { return append([]Route(nil), a.routes...) }
func (a *api) Functions() []awslambda.IFunction {
	return append([]awslambda.IFunction(nil), a.functions...)
}

func (a *api) Stage(name string) awsapigatewayv2.HttpStage {
	for _, s := range a.stages {
		if *s.StageName() == name {
			return s
		}
	}
	return nil
}

func (a *api) AddRoutes(fn awslambda.IFunction, keys []route.Key, opts *RouteOptions) []Route {
	o := opts.withDefaults()
	if err := a.validateRoutes(fn, keys, &o); err != nil {
		panic(err)
	}
	integration := a.integration(fn, &o)
	added := make([]Route, 0, len(keys))
	for _, k := range keys {
		a.routed[k] = true
		var rk awsapigatewayv2.HttpRouteKey
		var id string
		if k.IsDefault() {
			rk, id = awsapigatewayv2.HttpRouteKey_DEFAULT(), "DefaultRoute"
		} else {
			rk, id = awsapigatewayv2.HttpRouteKey_With(jsii.String(k.Path), awsapigatewayv2.HttpMethod(k.Method)), k.Method+k.Path
		}
		r := Route{Key: k, Function: fn, HttpRoute: awsapigatewayv2.NewHttpRoute(a.httpApi, jsii.String(id), &awsapigatewayv2.HttpRouteProps{
			HttpApi:     a.httpApi,
			RouteKey:    rk,
			Integration: integration,
		})}
		a.routes = append(a.routes, r)
		added = append(added, r)
	}
	return added
}

func (a *api) validateRoutes(fn awslambda.IFunction, keys []route.Key, o *RouteOptions) error {
	if fn == nil {
		return fmt.Errorf("httpapi: Handler is required to serve %d route(s), got nil", len(keys))
	}
	if err := o.validate(); err != nil {
		return err
	}
	if n := len(a.routes) + len(keys); n > MaxRoutes {
		return fmt.Errorf("httpapi: Routes: %d routes exceed the HTTP API quota of %d routes per API", n, MaxRoutes)
	}
	seen := map[route.Key]bool{}
	for _, k := range keys {
		if err := k.Validate(); err != nil {
			return fmt.Errorf("httpapi: Routes: %w", err)
		}
		if a.routed[k] || seen[k] {
			return fmt.Errorf("httpapi: Routes: route %q is added twice: each route key may appear once per API", k.String())
		}
		seen[k] = true
	}
	if t := functionTimeout(fn); t > 0 && t >= o.IntegrationTimeout {
		return fmt.Errorf("httpapi: function %s has a timeout of %s, not shorter than IntegrationTimeout %s: "+
			"API Gateway would answer 503 while the function keeps running; use a function timeout of at most %s",
			*fn.Node().Path(), t, o.IntegrationTimeout, o.IntegrationTimeout-time.Second)
	}
	return nil
}

// functionTimeout returns the timeout of a function defined in this app,
// or 0 when it is unknown (an imported function, or a token).
func functionTimeout(fn awslambda.IFunction) time.Duration {
	child := fn.Node().DefaultChild()
	if child == nil {
		return 0
	}
	cfn, ok := child.(awslambda.CfnFunction)
	if !ok || cfn.Timeout() == nil {
		if ok {
			return 3 * time.Second // Lambda's default
		}
		return 0
	}
	if *awscdk.Token_IsUnresolved(cfn.Timeout()) {
		return 0
	}
	return time.Duration(*cfn.Timeout()) * time.Second
}

func (o *RouteOptions) withDefaults() RouteOptions {
	var out RouteOptions
	if o != nil {
		out = *o
	}
	if out.PayloadFormat == "" {
		out.PayloadFormat = PayloadFormatV2
	}
	if out.IntegrationTimeout == 0 {
		out.IntegrationTimeout = MaxIntegrationTimeout
	}
	return out
}

func (o *RouteOptions) validate() error {
	if o.PayloadFormat != PayloadFormatV2 && o.PayloadFormat != PayloadFormatV1 {
		return fmt.Errorf("httpapi: PayloadFormat %q is not supported: use httpapi.PayloadFormatV2 (\"2.0\") or httpapi.PayloadFormatV1 (\"1.0\")", o.PayloadFormat)
	}
	if o.IntegrationTimeout < 50*time.Millisecond || o.IntegrationTimeout > MaxIntegrationTimeout || o.IntegrationTimeout%time.Millisecond != 0 {
		return fmt.Errorf("httpapi: IntegrationTimeout %s is out of range: use whole milliseconds from 50ms to 30s", o.IntegrationTimeout)
	}
	return nil
}

func (p *Props) withDefaults() Props {
	var out Props
	if p != nil {
		out = *p
	}
	out.RouteOptions = out.RouteOptions.withDefaults()
	out.AccessLogs = out.AccessLogs.withDefaults()
	out.Throttle = out.Throttle.withDefaults()
	return out
}

func (p *Props) validate() error {
	if len(p.Routes) > 0 && p.Handler == nil {
		return fmt.Errorf("httpapi: Handler is required when Routes is set (got %d routes and no Handler)", len(p.Routes))
	}
	if err := p.RouteOptions.validate(); err != nil {
		return err
	}
	if err := p.Cors.validate(); err != nil {
		return err
	}
	if err := p.AccessLogs.validate(); err != nil {
		return err
	}
	if err := p.Throttle.validate("Throttle"); err != nil {
		return err
	}
	seen := map[string]bool{"$default": true}
	for i := range p.Stages {
		s := &p.Stages[i]
		if err := s.validate(); err != nil {
			return err
		}
		if seen[s.Name] {
			return fmt.Errorf("httpapi: Stages: stage name %q is used twice (\"$default\" is always present)", s.Name)
		}
		seen[s.Name] = true
	}
	return nil
}
