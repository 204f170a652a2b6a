// Package quota holds the documented limits of Amazon API Gateway HTTP APIs
// and AWS Lambda that this module checks, serves or relies on, each defined
// once with its source.
//
// Sources:
//   - HTTP API quotas: https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html
//   - Lambda quotas: https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
//   - Lambda environment variables: https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html
//   - API Gateway account quotas: https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html
//   - API Gateway V2 API reference (property lengths and ranges):
//     https://docs.aws.amazon.com/apigatewayv2/latest/api-reference/
//   - Lambda API reference (property lengths and ranges):
//     https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html
//
// The package has no dependencies beyond the standard library, so a Lambda
// handler, the emulator and the constructs can all import it.
package quota

import "time"

// API Gateway HTTP API quotas ("Quotas for configuring and running an HTTP
// API in API Gateway"). Those marked adjustable can be raised per API or
// account through Service Quotas; the constructs check the default.
const (
	// RoutesPerAPI is the default number of routes an API may have (adjustable).
	RoutesPerAPI = 300
	// StagesPerAPI is the default number of stages an API may have (adjustable).
	StagesPerAPI = 10
	// AuthorizersPerAPI is the default number of authorizers an API may have (adjustable).
	AuthorizersPerAPI = 10
	// AudiencesPerAuthorizer is the number of audiences a JWT authorizer may name.
	AudiencesPerAuthorizer = 50
	// ScopesPerRoute is the number of authorization scopes a route may name.
	ScopesPerRoute = 10
	// MappingsPerDomain is the number of multi-level API mappings a custom domain may have.
	MappingsPerDomain = 200
	// AccessLogFormatBytes is the largest access log template ("3 KB").
	AccessLogFormatBytes = 3 * 1024
	// StageVariablesPerStage is the number of variables a stage may have.
	StageVariablesPerStage = 100
	// StageVariableKeyChars is the longest stage variable name, in characters.
	StageVariableKeyChars = 64
	// StageVariableValueChars is the longest stage variable value, in characters.
	StageVariableValueChars = 512
	// RequestLineAndHeadersBytes is the largest combined size of the request
	// line and the header values API Gateway accepts ("Total combined size
	// of request line and header values", not adjustable:
	// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html).
	// Header names are not counted. The page documents no other limit on
	// a request's head: no number of headers, no length of the URL or of a
	// single header beyond this total.
	RequestLineAndHeadersBytes = 10240
	// RequestBytes is the largest request body ("payload size 10 MB")
	// API Gateway accepts.
	RequestBytes = 10 * 1024 * 1024
)

// API Gateway account-level throttling: "Throttle quota per account, per
// Region across HTTP APIs, REST APIs, WebSocket APIs, and WebSocket callback
// APIs" (https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html).
// Both are adjustable; a stage or route limit above them has no effect
// beyond the account's. Every request an HTTP API serves takes a token
// from the account's bucket as well as from its route's
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-throttling.html).
const (
	// AccountThrottleRate is the default steady-state request rate, per second.
	AccountThrottleRate = 10000
	// AccountThrottleBurst is the default burst, in requests.
	AccountThrottleBurst = 5000
)

// API Gateway V2 property lengths, from the shapes of its API reference
// (https://docs.aws.amazon.com/apigatewayv2/latest/api-reference/): the
// CreateApi, CreateStage, CreateRoute, CreateAuthorizer and CreateDomainName
// request bodies ("StringWithLengthBetween1And128" and the like).
const (
	// APINameChars is the longest API name (Api.Name, 1 to 128).
	APINameChars = 128
	// DescriptionChars is the longest API or stage description
	// (Api.Description and Stage.Description, 0 to 1024).
	DescriptionChars = 1024
	// StageNameChars is the longest stage name (Stage.StageName, 1 to 128).
	StageNameChars = 128
	// AuthorizerNameChars is the longest authorizer name (Authorizer.Name, 1 to 128).
	AuthorizerNameChars = 128
	// ScopeChars is the longest authorization scope of a route
	// (Route.AuthorizationScopes items, 1 to 64).
	ScopeChars = 64
	// IssuerChars is the longest JWT issuer URL (JWTConfiguration.Issuer, 1 to 2048).
	IssuerChars = 2048
	// DomainNameChars is the longest custom domain name the constructs
	// accept: 253, the longest DNS name in text form (RFC 1035 section
	// 2.3.4: 255 octets on the wire). The API's own limit is looser
	// (DomainName.DomainName, 1 to 512) but a longer name cannot resolve.
	DomainNameChars = 253
	// MaxCorsMaxAge is the longest CORS preflight cache duration
	// (Cors.MaxAge, -1 to 86400 seconds).
	MaxCorsMaxAge = 86400 * time.Second
	// MaxAuthorizerCacheTTL is the longest a Lambda authorizer's decision
	// may be cached (Authorizer.AuthorizerResultTtlInSeconds, 0 to 3600).
	MaxAuthorizerCacheTTL = 3600 * time.Second
)

// API Gateway timeouts.
const (
	// MaxIntegrationTimeout is the longest an HTTP API waits for an
	// integration; past it the client gets 503.
	MaxIntegrationTimeout = 30 * time.Second
	// MinIntegrationTimeout is the shortest integration timeout an HTTP API accepts.
	MinIntegrationTimeout = 50 * time.Millisecond
	// AuthorizerTimeout is the longest an HTTP API waits for a Lambda
	// authorizer's response.
	AuthorizerTimeout = 10 * time.Second
)

// AWS Lambda quotas.
const (
	// PayloadBytes is the largest synchronous invocation request and
	// response: an event or a function result over it fails the invocation.
	PayloadBytes = 6 * 1024 * 1024
	// DefaultFunctionTimeout is a function's timeout when none is set.
	DefaultFunctionTimeout = 3 * time.Second
	// MinFunctionTimeout is the shortest timeout a function may have
	// (CreateFunction's Timeout, at least 1 second).
	MinFunctionTimeout = 1 * time.Second
	// MaxFunctionTimeout is the longest timeout a function may have.
	MaxFunctionTimeout = 900 * time.Second
	// EnvironmentBytes is the largest total size of a function's
	// environment variables (keys and values).
	EnvironmentBytes = 4 * 1024
	// ResourcePolicyBytes is the largest resource-based policy a function may have.
	ResourcePolicyBytes = 20 * 1024
	// MinMemoryMB and MaxMemoryMB bound a function's memory.
	MinMemoryMB = 128
	// MaxMemoryMB is the largest memory size a function may have, in MB.
	MaxMemoryMB = 10240
	// FunctionDescriptionChars is the longest function description
	// (CreateFunction's Description, 0 to 256).
	FunctionDescriptionChars = 256
)

// EnvironmentKeyPattern is the pattern every key of a function's
// environment must match, whole (the Lambda API's Environment.Variables
// key pattern: a letter, then at least one letter, digit or underscore).
const EnvironmentKeyPattern = `[a-zA-Z]([a-zA-Z0-9_])+`

// reservedEnvironmentKeys are the keys Lambda sets itself and refuses in a
// function's configuration ("Defined runtime environment variables",
// https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime).
// _HANDLER and _X_AMZN_TRACE_ID would also be refused, but they do not
// match EnvironmentKeyPattern in the first place.
var reservedEnvironmentKeys = map[string]bool{
	"_HANDLER": true, "_X_AMZN_TRACE_ID": true,
	"AWS_DEFAULT_REGION": true, "AWS_REGION": true, "AWS_EXECUTION_ENV": true,
	"AWS_LAMBDA_FUNCTION_NAME": true, "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": true, "AWS_LAMBDA_FUNCTION_VERSION": true,
	"AWS_LAMBDA_INITIALIZATION_TYPE": true, "AWS_LAMBDA_LOG_GROUP_NAME": true, "AWS_LAMBDA_LOG_STREAM_NAME": true,
	"AWS_ACCESS_KEY": true, "AWS_ACCESS_KEY_ID": true, "AWS_SECRET_ACCESS_KEY": true, "AWS_SESSION_TOKEN": true,
	"AWS_LAMBDA_RUNTIME_API": true, "LAMBDA_TASK_ROOT": true, "LAMBDA_RUNTIME_DIR": true,
}

// ReservedEnvironmentKey reports whether Lambda reserves the environment
// variable name key, so that a function configuration setting it is refused.
func ReservedEnvironmentKey(key string) bool { return reservedEnvironmentKeys[key] }
