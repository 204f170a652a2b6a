// Routes: RouteOptions, the route table of an API or a Routes construct, its checks and what it adds at synthesis.

package httpapi

import (
	"fmt"
	"slices"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/httpapi-cdk/httpapi/internal/nagmeta"
	"github.com/httpapi-cdk/httpapi/internal/propcheck"
	"github.com/httpapi-cdk/httpapi/openapi"
	"github.com/httpapi-cdk/httpapi/quota"
	"github.com/httpapi-cdk/httpapi/route"
)

// RouteOptions configure routes: their integration, authorization, and
// stage settings. Zero fields inherit: from the API's Props.RouteOptions for
// AddRoutes and RouteOverrides, else the defaults below.
type RouteOptions struct {
	// PayloadFormat is the event format the function receives.
	// Default: PayloadFormatV2.
	PayloadFormat PayloadFormat

	// IntegrationTimeout is how long API Gateway waits for the function
	// before it answers 503: whole milliseconds from 50 ms to 29 s, or 30 s (quota.MinIntegrationTimeout
	// to quota.MaxIntegrationTimeout; the CDK refuses 29 to 30 s). It must be longer than the
	// function's own timeout, so that a slow function ends with its own
	// error rather than a gateway 503 while it keeps running.
	// Default: 30 s.
	IntegrationTimeout time.Duration

	// Authorizer authorizes the routes; &NoAuthorizer{} opts out of the
	// API's default.
	// Default: none (the routes are public).
	Authorizer Authorizer

	// Scopes are the OAuth scopes a JWT must carry (JWT and Cognito
	// authorizers only): at most 10, each of 1 to 64 characters.
	// Default: none.
	Scopes []string

	// Throttle limits each route on every stage of the API, overriding the
	// stage's default.
	// Default: the stage's throttle.
	Throttle Throttle

	// DetailedMetrics turns on per-route CloudWatch metrics on every stage.
	// Default: false.
	DetailedMetrics bool
}

// cdkMaxIntegrationTimeout is the longest integration timeout the CDK's
// HttpIntegration accepts; HTTP APIs' own maximum, quota.MaxIntegrationTimeout,
// is expressed by leaving the timeout unset.
const cdkMaxIntegrationTimeout = 29 * time.Second

// merge returns o with its zero fields taken from base.
func (o *RouteOptions) merge(base RouteOptions) RouteOptions {
	out := base
	if o == nil {
		return out
	}
	if o.PayloadFormat != "" {
		out.PayloadFormat = o.PayloadFormat
	}
	if o.IntegrationTimeout != 0 {
		out.IntegrationTimeout = o.IntegrationTimeout
	}
	if o.Authorizer != nil {
		out.Authorizer = o.Authorizer
	}
	if o.Scopes != nil {
		out.Scopes = o.Scopes
	}
	if o.Throttle != (Throttle{}) {
		out.Throttle = o.Throttle
	}
	if o.DetailedMetrics {
		out.DetailedMetrics = true
	}
	return out
}

func (o RouteOptions) withDefaults() RouteOptions {
	out := o
	if out.PayloadFormat == "" {
		out.PayloadFormat = PayloadFormatV2
	}
	if out.IntegrationTimeout == 0 {
		out.IntegrationTimeout = quota.MaxIntegrationTimeout
	}
	if out.Authorizer == nil {
		out.Authorizer = &NoAuthorizer{}
	}
	return out
}

// validate checks o, with its defaults; its errors name fields of
// RouteOptions.
func (o *RouteOptions) validate() error {
	if o.PayloadFormat != PayloadFormatV2 && o.PayloadFormat != PayloadFormatV1 {
		return propcheck.Errorf("PayloadFormat", ` %q is not supported: use httpapi.PayloadFormatV2 ("2.0") or httpapi.PayloadFormatV1 ("1.0")`, o.PayloadFormat)
	}
	if o.IntegrationTimeout < quota.MinIntegrationTimeout || o.IntegrationTimeout > quota.MaxIntegrationTimeout || o.IntegrationTimeout%time.Millisecond != 0 ||
		o.IntegrationTimeout > cdkMaxIntegrationTimeout && o.IntegrationTimeout < quota.MaxIntegrationTimeout {
		// The CDK L2 refuses more than 29 s; 30 s is HTTP APIs' default,
		// which the construct expresses by leaving the timeout unset.
		return propcheck.Errorf("IntegrationTimeout", " %s is out of range: use whole milliseconds from %s to %s, or %s",
			o.IntegrationTimeout, quota.MinIntegrationTimeout, cdkMaxIntegrationTimeout, quota.MaxIntegrationTimeout)
	}
	if err := o.Authorizer.validate(); err != nil {
		return propcheck.In("Authorizer", err)
	}
	if len(o.Scopes) > 0 && o.Authorizer.authorizationType() != "JWT" {
		return propcheck.Errorf("Scopes", " %q need a JWT or Cognito authorizer, got authorization type %s", o.Scopes, o.Authorizer.authorizationType())
	}
	if len(o.Scopes) > quota.ScopesPerRoute {
		return propcheck.Errorf("Scopes", ": %d scopes exceed the HTTP API quota of %d scopes per route", len(o.Scopes), quota.ScopesPerRoute)
	}
	for i, sc := range o.Scopes {
		if err := propcheck.Length("Scopes"+propcheck.Index(i), sc, 1, quota.ScopeChars); err != nil {
			return err
		}
	}
	if o.Throttle != (Throttle{}) {
		return propcheck.In("Throttle", o.Throttle.validate())
	}
	return nil
}

// stageSettings reports whether o sets something stages must carry per route.
func (o *RouteOptions) stageSettings() bool {
	return o.Throttle != (Throttle{}) || o.DetailedMetrics
}

// Route is one route of an [API] or [Routes].
type Route struct {
	// Key is the route's key.
	Key route.Key
	// Function is the function the route invokes.
	Function awslambda.IFunction
	// Options are the route's effective options.
	Options RouteOptions
	// HttpRoute is the L2 route.
	HttpRoute awsapigatewayv2.HttpRoute
}

// routeTable holds the routes one construct adds to one HTTP API, their
// integrations (one per function and integration options), authorizers
// (one per Authorizer value), per-route stage settings and invoke
// permissions, planned at synthesis.
type routeTable struct {
	owner        constructs.Construct // the API or Routes construct
	routeScope   constructs.Construct // parent of the L2 routes
	httpApi      awsapigatewayv2.IHttpApi
	defaults     RouteOptions
	cors         *Cors                              // nil: no CORS, or unknown (an imported API)
	stages       func() []awsapigatewayv2.HttpStage // nil: stages unknown (an imported API)
	routes       []Route
	routed       map[route.Key]bool
	functions    []awslambda.IFunction
	integrations map[string]*lambdaIntegration
	authorizers  map[Authorizer]awsapigatewayv2.IHttpRouteAuthorizer
	// atSynthesis run at synthesis, after the routes and permissions are
	// complete, in the order added.
	atSynthesis []func()
	done        bool
	ops         map[route.Key]openapi.Operation // what the handlers' route tables declare (Source)
	doc         *documentInfo                   // nil: no OpenAPI document
	domainURLs  []openapi.Server                // custom domains' stage URLs, for the document
	apiID       string                          // httpApi's id: a token or a literal (see register)
	root        constructs.IConstruct           // the app's root (see register)
	importName  string                          // the export httpApi's id imports, if it is an Fn::ImportValue
}

func newRouteTable(owner, routeScope constructs.Construct, httpApi awsapigatewayv2.IHttpApi, defaults RouteOptions) *routeTable {
	t := &routeTable{owner: owner, routeScope: routeScope, httpApi: httpApi, defaults: defaults, routed: map[route.Key]bool{},
		integrations: map[string]*lambdaIntegration{}, authorizers: map[Authorizer]awsapigatewayv2.IHttpRouteAuthorizer{}}
	awscdk.Aspects_Of(owner).Add(t, nil)
	t.register()
	return t
}

// add routes each key to fn with opts merged over the table's defaults;
// field names opts in messages: "RouteOptions", or the RouteOverrides
// entry they come from.
func (t *routeTable) add(fn awslambda.IFunction, keys []route.Key, opts *RouteOptions, field string) []Route {
	o := opts.merge(t.defaults).withDefaults()
	panicInvalid(t.validate(fn, keys, &o, field))
	integration := t.integration(fn, &o)
	added := make([]Route, 0, len(keys))
	for _, k := range keys {
		added = append(added, t.addRoute(fn, k, o, integration))
	}
	return added
}

func (t *routeTable) addRoute(fn awslambda.IFunction, k route.Key, o RouteOptions, integration *lambdaIntegration) Route {
	t.routed[k] = true
	var rk awsapigatewayv2.HttpRouteKey
	var id string
	if k.IsDefault() {
		rk, id = awsapigatewayv2.HttpRouteKey_DEFAULT(), "DefaultRoute"
	} else {
		rk, id = awsapigatewayv2.HttpRouteKey_With(jsii.String(k.Path), awsapigatewayv2.HttpMethod(k.Method)), k.Method+k.Path
	}
	props := &awsapigatewayv2.HttpRouteProps{HttpApi: t.httpApi, RouteKey: rk, Integration: integration}
	if _, none := o.Authorizer.(*NoAuthorizer); !none {
		props.Authorizer = t.authorizer(o.Authorizer)
		if len(o.Scopes) > 0 {
			props.AuthorizationScopes = jsii.Strings(o.Scopes...)
		}
	}
	r := Route{Key: k, Function: fn, Options: o, HttpRoute: awsapigatewayv2.NewHttpRoute(t.routeScope, jsii.String(id), props)}
	t.routes = append(t.routes, r)
	return r
}

// authorizationType returns the authorization type of route k of the
// table: "NONE", "JWT", "CUSTOM" or "AWS_IAM".
func (t *routeTable) authorizationType(k route.Key) string {
	for _, r := range t.routes {
		if r.Key == k {
			return r.Options.Authorizer.authorizationType()
		}
	}
	return ""
}

func (t *routeTable) authorizer(a Authorizer) awsapigatewayv2.IHttpRouteAuthorizer {
	if l2, ok := t.authorizers[a]; ok {
		return l2
	}
	kind := map[string]string{"JWT": "JWT", "CUSTOM": "Lambda", "AWS_IAM": "IAM", "NONE": "None"}[a.authorizationType()]
	n := 1
	for other := range t.authorizers {
		if other.authorizationType() == a.authorizationType() {
			n++
		}
	}
	l2 := a.routeAuthorizer(fmt.Sprintf("%sAuthorizer%d", kind, n))
	t.authorizers[a] = l2
	if la, ok := a.(*LambdaAuthorizer); ok {
		if d := functionTimeout(la.Function); d > quota.AuthorizerTimeout {
			awscdk.Annotations_Of(t.owner).AddWarningV2(jsii.String("httpapi:AuthorizerTimeout"), jsii.String(fmt.Sprintf(
				"httpapi: LambdaAuthorizer.Function %s has a timeout of %s, but API Gateway waits at most %s for an authorizer: a slower decision fails the request; use a function timeout of at most %s",
				*la.Function.Node().Path(), d, quota.AuthorizerTimeout, quota.AuthorizerTimeout)))
		}
	}
	return l2
}

// authorizerResources returns how many authorizer resources the table has
// or would have with a: one per JWT, Cognito or Lambda Authorizer value (IAM
// and no authorization create none).
func (t *routeTable) authorizerResources(a Authorizer) int {
	n := 0
	for other := range t.authorizers {
		if hasResource(other) {
			n++
		}
	}
	if _, known := t.authorizers[a]; !known && hasResource(a) {
		n++
	}
	return n
}

func hasResource(a Authorizer) bool {
	switch a.authorizationType() {
	case "JWT", "CUSTOM":
		return true
	}
	return false
}

// validate checks that fn can serve keys with o, the options field
// names, on the table's API.
func (t *routeTable) validate(fn awslambda.IFunction, keys []route.Key, o *RouteOptions, field string) error {
	if fn == nil {
		return propcheck.Errorf("Handler", " is required to serve %d route(s), got nil", len(keys))
	}
	if err := o.validate(); err != nil {
		return propcheck.In(field, err)
	}
	if n := len(t.routes) + len(keys); n > quota.RoutesPerAPI {
		return propcheck.Errorf("Routes", ": %d routes exceed the HTTP API quota of %d routes per API", n, quota.RoutesPerAPI)
	}
	if n := t.authorizerResources(o.Authorizer); n > quota.AuthorizersPerAPI {
		return propcheck.Errorf(propcheck.Join(field, "Authorizer"), ": %d authorizers exceed the HTTP API quota of %d authorizers per API: "+
			"each Authorizer value is one authorizer, so share one value among the routes it protects", n, quota.AuthorizersPerAPI)
	}
	if o.stageSettings() && t.stages == nil {
		setting := "DetailedMetrics"
		if o.Throttle != (Throttle{}) {
			setting = "Throttle"
		}
		return propcheck.Errorf(propcheck.Join(field, setting), " needs the API's stages, which NewRoutes cannot reach: set Throttle and DetailedMetrics on the httpapi.API that owns the stages")
	}
	seen := map[route.Key]bool{}
	for _, k := range keys {
		if err := k.Validate(); err != nil {
			return propcheck.In("Routes", err)
		}
		if t.routed[k] || seen[k] {
			return propcheck.Errorf("Routes", ": route %q is added twice: each route key may appear once per API", k.String())
		}
		seen[k] = true
		if t.cors != nil && k.Method == "OPTIONS" && o.Authorizer.authorizationType() != "NONE" {
			return propcheck.Errorf("Routes", ": route %q has a %s authorizer, but with Cors set browser preflight requests carry no credentials: give OPTIONS routes &httpapi.NoAuthorizer{}", k.String(), o.Authorizer.authorizationType())
		}
	}
	// Keys API Gateway cannot tell apart, in this table or in another that
	// adds routes to the same API.
	all := make([]route.Key, 0, len(t.routes)+len(keys))
	for _, r := range t.routes {
		all = append(all, r.Key)
	}
	if _, err := route.NewTable(append(all, keys...)); err != nil {
		return propcheck.In("Routes", err)
	}
	if err := t.checkShared(keys); err != nil {
		return err
	}
	if t := functionTimeout(fn); t > 0 && t >= o.IntegrationTimeout {
		return propcheck.Errorf("", "function %s has a timeout of %s, not shorter than IntegrationTimeout %s: "+
			"API Gateway would answer 503 while the function keeps running; use a function timeout of at most %s",
			*fn.Node().Path(), t, o.IntegrationTimeout, o.IntegrationTimeout-time.Second)
	}
	return nil
}

// Visit implements awscdk.IAspect. At synthesis, once, it adds the
// preflight routes CORS needs, the per-route stage settings, and the invoke
// permissions. It runs inside a jsii callback: it must not panic (report
// problems as error annotations).
//
// The aspect is the owner's: CDK visits the owner first, then each
// construct under it, and the first visit does the work. The others
// return at once, without a call into the jsii kernel (an app of many
// functions has hundreds of constructs under its API).
func (t *routeTable) Visit(node constructs.IConstruct) {
	if t.done {
		return
	}
	t.done = true
	t.addPreflightRoutes()
	t.applyStageSettings()
	planner := permissionPlanner{table: t}
	for i, fn := range t.functions {
		planner.grant(fn, fmt.Sprintf("Invoke%d ", i+1))
	}
	for _, f := range t.atSynthesis {
		f()
	}
	t.writeDocument()
}

// addPreflightRoutes keeps CORS working with authorizers: a browser's
// preflight carries no credentials, so a route that would take OPTIONS
// requests (ANY, or $default) with an authorizer would refuse it. For each
// such route it adds an unauthenticated OPTIONS route on the same path to
// the same function, which answers the preflight (lambdahttp does); API
// Gateway adds the configured CORS headers.
func (t *routeTable) addPreflightRoutes() {
	if t.cors == nil {
		return
	}
	// This table and the others that add routes to the same API: they do not
	// change while the needed routes are collected.
	tables := append([]*routeTable{t}, t.sharing()...)
	var needed []route.Key
	var from []Route
	for _, r := range t.routes {
		if _, none := r.Options.Authorizer.(*NoAuthorizer); none {
			continue
		}
		var paths []string
		switch {
		case r.Key.IsDefault():
			paths = []string{"/", "/{proxy+}"}
		case r.Key.Method == "ANY":
			paths = []string{r.Key.Path}
		}
		for _, p := range paths {
			k := route.Key{Method: "OPTIONS", Path: p}
			if !routesAmbiguous(tables, k) && !slices.Contains(needed, k) {
				needed = append(needed, k)
				from = append(from, r)
			}
		}
	}
	if n := len(t.routes) + len(needed); n > quota.RoutesPerAPI {
		// An error annotation, not a panic: this runs inside a jsii callback,
		// and a Go panic there leaves the kernel waiting on the callback.
		awscdk.Annotations_Of(t.owner).AddError(jsii.String(fmt.Sprintf(
			"httpapi: Routes: %d routes, with %d OPTIONS routes added for CORS preflights, exceed the HTTP API quota of %d routes per API", n, len(needed), quota.RoutesPerAPI)))
		return
	}
	for i, k := range needed {
		r := from[i]
		o := r.Options
		o.Authorizer, o.Scopes, o.Throttle, o.DetailedMetrics = &NoAuthorizer{}, nil, Throttle{}, false
		added := t.addRoute(r.Function, k, o, t.integration(r.Function, &o))
		// cdk-nag's acknowledgement, in its documented metadata form (no
		// dependency on cdk-nag for users who do not run it).
		nagmeta.Acknowledge(added.HttpRoute, "AwsSolutions-APIG4",
			"CORS preflight route: browsers send OPTIONS preflights without credentials, so it cannot be authorized; it answers preflights only")
		awscdk.Annotations_Of(t.owner).AddInfo(jsii.String(fmt.Sprintf(
			"added unauthenticated route %q so that CORS preflight requests reach %s past the authorizer of %q", k.String(), *r.Function.Node().Path(), r.Key.String())))
	}
}

// routesAmbiguous reports whether one of tables (a table and the others that
// add routes to the same API) has a route API Gateway cannot tell apart
// from k.
func routesAmbiguous(tables []*routeTable, k route.Key) bool {
	for _, o := range tables {
		for _, r := range o.routes {
			if r.Key.Ambiguous(k) {
				return true
			}
		}
	}
	return false
}

// applyStageSettings writes per-route throttling and detailed metrics into
// every stage's RouteSettings (the L2 stage cannot express them).
func (t *routeTable) applyStageSettings() {
	if t.stages == nil {
		return
	}
	settings := map[string]any{}
	for _, r := range t.routes {
		if !r.Options.stageSettings() {
			continue
		}
		s := map[string]any{}
		if r.Options.Throttle != (Throttle{}) {
			s["ThrottlingRateLimit"] = r.Options.Throttle.RateLimit
			s["ThrottlingBurstLimit"] = r.Options.Throttle.BurstLimit
		}
		if r.Options.DetailedMetrics {
			s["DetailedMetricsEnabled"] = true
		}
		settings[r.Key.String()] = s
	}
	if len(settings) == 0 {
		return
	}
	for _, st := range t.stages() {
		st.Node().DefaultChild().(awscdk.CfnResource).AddPropertyOverride(jsii.String("RouteSettings"), settings)
		// CloudFormation must create those routes before the stage names
		// them, or the stage fails: "Unable to find Route by key".
		for _, r := range t.routes {
			if r.Options.stageSettings() {
				st.Node().AddDependency(r.HttpRoute.Node().DefaultChild())
			}
		}
	}
}

// RoutesProps configure [Routes].
type RoutesProps struct {
	// API is the HTTP API to add routes to: one defined in another stack
	// (API.HttpApi()), or one imported with
	// awsapigatewayv2.HttpApi_FromHttpApiAttributes. Required.
	API awsapigatewayv2.IHttpApi
	// Handler serves Routes. Required.
	Handler awslambda.IFunction
	// Routes are the routes to add.
	Routes []route.Key
	// Source is the handler's route table, instead of Routes: its keys are
	// the routes to add, and its operations describe them in the OpenAPI
	// document (see Props.Source).
	// Default: none; Routes.
	Source openapi.Source
	// RouteOptions configure the routes. Throttle and DetailedMetrics are
	// not available here: they belong to the stages, which live with the API.
	RouteOptions
}

// Routes adds routes served by one function to an HTTP API defined elsewhere,
// such as another stack: their integration, authorizers and least-privilege
// invoke permissions. Auto-deploying stages pick the routes up.
type Routes interface {
	constructs.Construct
	// Routes returns the routes added.
	Routes() []Route
	// AddRoutes adds more routes, as API.AddRoutes does.
	AddRoutes(fn awslambda.IFunction, keys []route.Key, opts *RouteOptions) []Route
}

type routes struct {
	constructs.Construct
	table *routeTable
}

// NewRoutes adds props.Routes to props.API. It panics with an error naming
// the offending prop if props are invalid, or if a route is already added to
// the same API by another construct of the app (API or Routes), or differs
// from one only in variable names.
func NewRoutes(scope constructs.Construct, id string, props *RoutesProps) Routes {
	if props == nil || props.API == nil {
		panicInvalid(propcheck.Errorf("API", " is required: the HTTP API to add routes to"))
	}
	r := &routes{}
	constructs.NewConstruct_Override(r, scope, &id)
	// Routes and authorizers bind under a reference to the API created here,
	// in this construct's stack: binding them under an API construct of
	// another stack would put the authorizers in that stack (a name clash
	// there, or a dependency cycle with this stack's functions).
	api := awsapigatewayv2.HttpApi_FromHttpApiAttributes(r, jsii.String("Api"), &awsapigatewayv2.HttpApiAttributes{HttpApiId: props.API.ApiId()})
	r.table = newRouteTable(r, r, api, RouteOptions{})
	keys := props.Routes
	if props.Source != nil {
		if len(keys) > 0 {
			panicInvalid(propcheck.Errorf("Routes", " and Source are both set (%d routes): set Source alone, its keys are the routes", len(keys)))
		}
		var ops map[route.Key]openapi.Operation
		keys, ops = sourceKeys(props.Source)
		r.table.describe(ops)
	}
	r.table.doc = &documentInfo{title: id, executeAPI: true}
	r.table.add(props.Handler, keys, &props.RouteOptions, "RouteOptions")
	return r
}

func (r *routes) Routes() []Route { return slices.Clone(r.table.routes) }

func (r *routes) AddRoutes(fn awslambda.IFunction, keys []route.Key, opts *RouteOptions) []Route {
	return r.table.add(fn, keys, opts, "RouteOptions")
}
