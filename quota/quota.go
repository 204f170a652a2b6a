// Package quota holds the documented limits of Amazon API Gateway HTTP APIs
// and AWS Lambda that this module checks, serves or relies on, each defined
// once with its source.
//
// Sources:
//   - HTTP API quotas: https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html
//   - Lambda quotas: https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
//   - Lambda environment variables: https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html
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
	// IntegrationsPerAPI is the number of integrations an API may have.
	IntegrationsPerAPI = 300
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
	// TagsPerStage is the number of tags a stage may carry.
	TagsPerStage = 50
	// AccessLogFormatBytes is the largest access log template ("3 KB").
	AccessLogFormatBytes = 3 * 1024
	// StageVariablesPerStage is the number of variables a stage may have.
	StageVariablesPerStage = 100
	// StageVariableKeyChars is the longest stage variable name, in characters.
	StageVariableKeyChars = 64
	// StageVariableValueChars is the longest stage variable value, in characters.
	StageVariableValueChars = 512
	// RequestLineAndHeadersBytes is the largest combined size of the request
	// line and the header values API Gateway accepts.
	RequestLineAndHeadersBytes = 10240
	// RequestBytes is the largest request body ("payload size 10 MB")
	// API Gateway accepts.
	RequestBytes = 10 * 1024 * 1024
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
)
