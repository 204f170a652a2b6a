// The public model of an HTTP API: what New serves and the template reader fills in.

package local

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/httpapi-cdk/httpapi/route"
)

// API is one HTTP API of a template, with what the emulator needs of it.
type API struct {
	// Stack is the stack the API belongs to.
	Stack string
	// LogicalID is the API's logical id in the template.
	LogicalID string
	// Name is the API's name.
	Name string
	// Region is the region of the API's stack: the region of its
	// environment, else DefaultRegion. AWS::Region resolves to it.
	Region string
	// Routes are the API's routes.
	Routes []Route
	// Stages are the API's stages, $default first if present.
	Stages []Stage
	// Cors is the API's CORS configuration, nil when off.
	Cors *Cors
	// Functions are the functions the routes invoke, by logical id.
	Functions map[string]*Function
	// Problems are what the emulator cannot serve faithfully.
	Problems []Problem
}

// Route is one route and the integration behind it.
type Route struct {
	Key route.Key
	// Function is the logical id of the integration's function.
	Function string
	// PayloadFormat is "2.0" or "1.0".
	PayloadFormat string
	// Timeout is the integration timeout.
	Timeout time.Duration
	// AuthorizationType is NONE, JWT, CUSTOM or AWS_IAM.
	AuthorizationType string
	// Authorizer is the route's authorizer, nil without one.
	Authorizer *Authorizer
	// Scopes are the route's authorization scopes: a JWT must carry one.
	Scopes []string
	// Unsupported, when not empty, says why the emulator answers this
	// route with 500 instead of invoking it.
	Unsupported string
}

// Authorizer is a JWT or Lambda authorizer of the template.
type Authorizer struct {
	LogicalID string
	// Name is the authorizer's Name property.
	Name           string
	Type           string // "JWT" or "REQUEST"
	IdentitySource []string
	// JWT authorizers: the issuer and audiences, resolved from the
	// template (literals, pseudo parameters, Fn::Join and Fn::Sub of them),
	// or given for local use ([Options].JWTAuthorizers). Empty when
	// unknown.
	Issuer   string
	Audience []string
	// Refuse, when not empty, says why every request this authorizer
	// guards is answered 401: a value the emulator cannot know before
	// deployment (a user pool's id, a client id) and that was not given
	// for local use. The authorizer fails closed, never open.
	Refuse string
	// Why the issuer and the audience are unknown, when they are: what
	// Refuse says, kept apart so that a value given locally clears its
	// own reason only.
	issuerUnknown, audienceUnknown string
	// keys verifies the signatures of this authorizer's tokens in place of
	// Options.JWTKeys ([JWTAuthorizer].Keys).
	keys *KeySet
	// Lambda authorizers:
	Function       string
	PayloadFormat  string
	SimpleResponse bool
	CacheTTL       time.Duration
}

// Stage is a stage of the API.
type Stage struct {
	Name      string
	Variables map[string]string
	// AccessLogFormat is the stage's access log format, with $context
	// variables; empty for the default format.
	AccessLogFormat string
	// Throttle is the rate and burst each route of the stage gets, a
	// bucket of its own per route (DefaultRouteSettings); nil when the
	// template sets none, and the routes are limited by the account's
	// throttle only (docs/api-gateway-behavior.md R-THR-1, R-THR-2).
	Throttle *Throttle
	// RouteThrottles override Throttle for the routes they name
	// (RouteSettings).
	RouteThrottles map[route.Key]Throttle
}

// Throttle is a token bucket: requests take a token each, and are
// answered 429 when none is left; tokens come back at RateLimit per
// second, up to BurstLimit.
type Throttle struct {
	// RateLimit is the steady-state rate, in requests per second.
	RateLimit float64
	// BurstLimit is the size of the bucket, in requests.
	BurstLimit int
}

// Cors is the API's CORS configuration.
type Cors struct {
	AllowOrigins     []string
	AllowMethods     []string
	AllowHeaders     []string
	ExposeHeaders    []string
	AllowCredentials bool
	MaxAge           int // seconds; -1 when not set
}

// Function is a Lambda function of the template built from a Go package.
type Function struct {
	// LogicalID is the function's logical id: letters and digits.
	LogicalID string
	// GoPackage is the package to build: an import path or a relative
	// directory, never a flag or a pattern: New refuses to build those.
	GoPackage string
	// ModulePath is the path of the Go module that holds GoPackage, as
	// synthesis recorded it; "" when the template does not say.
	ModulePath string
	// ModuleDir is where that module's root should be: the directory
	// synthesis recorded relative to the CDK app's, taken to be the
	// directory above the cloud assembly. "" when unknown; the package is
	// then built from the current directory.
	ModuleDir string
	// Environment is the function's environment variables, resolved.
	Environment map[string]string
	// MemorySize is the function's memory in MB (Lambda's default, 128,
	// when the template sets none): AWS_LAMBDA_FUNCTION_MEMORY_SIZE.
	MemorySize int
	// Timeout is the function's timeout (Lambda's default when unset).
	Timeout time.Duration
	// LogLevel is the application log level of the function's
	// LoggingConfig ("" when unset): AWS_LAMBDA_LOG_LEVEL, as Lambda sets it.
	LogLevel string
	// Region is the region of the function's stack: AWS_REGION.
	Region string
}

// Problem is something in the template the emulator cannot serve faithfully.
type Problem struct {
	Resource string
	Message  string
}

func (p Problem) String() string { return p.Resource + ": " + p.Message }

// errNoAPI is returned by Select when nothing matches.
var errNoAPI = errors.New("no HTTP API")

// Select picks one API by stack name ("Api", or "Prod/Api" for a stack of
// CDK Stage Prod) and API logical id or name; empty values match anything,
// but the choice must be unique. When nothing matches, the error lists what
// there is.
func Select(apis []*API, stack, api string) (*API, error) {
	var found, inStack []*API
	for _, a := range apis {
		if stack == "" || a.Stack == stack {
			inStack = append(inStack, a)
			if api == "" || a.LogicalID == api || a.Name == api {
				found = append(found, a)
			}
		}
	}
	switch {
	case len(apis) == 0:
		return nil, fmt.Errorf("%w in the cloud assembly", errNoAPI)
	case len(inStack) == 0:
		var stacks []string
		for _, a := range apis {
			if !slices.Contains(stacks, a.Stack) {
				stacks = append(stacks, a.Stack)
			}
		}
		return nil, fmt.Errorf("%w in stack %q; the stacks with one are: %s", errNoAPI, stack, strings.Join(stacks, ", "))
	case len(found) == 0:
		return nil, fmt.Errorf("%w %q in %s; choose one of: %s", errNoAPI, api, stackOrAll(stack), describe(inStack))
	case len(found) == 1:
		return found[0], nil
	}
	return nil, fmt.Errorf("%d HTTP APIs match; choose one with -stack and -api: %s", len(found), describe(found))
}

func stackOrAll(stack string) string {
	if stack == "" {
		return "any stack"
	}
	return "stack " + strconv.Quote(stack)
}

// describe lists APIs as "-stack S -api ID (name)".
func describe(apis []*API) string {
	var names []string
	for _, a := range apis {
		names = append(names, fmt.Sprintf("-stack %s -api %s (%s)", a.Stack, a.LogicalID, a.Name))
	}
	return strings.Join(names, ", ")
}
