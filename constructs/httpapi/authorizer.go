// Authorizers: JWT, Cognito, Lambda, IAM and none, their checks and their L2 authorizers.

package httpapi

import (
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2authorizers"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/jsii-runtime-go"

	"github.com/httpapi-cdk/httpapi/internal/propcheck"
	"github.com/httpapi-cdk/httpapi/quota"
)

// Authorizer decides who may call a route: a *JWTAuthorizer,
// *CognitoAuthorizer, *LambdaAuthorizer, *IAMAuthorizer, or *NoAuthorizer to
// opt a route out of the API's default. One value may serve many routes;
// each API gets one authorizer resource per value.
type Authorizer interface {
	// authorizationType is the route's AuthorizationType: JWT, CUSTOM,
	// AWS_IAM or NONE.
	authorizationType() string
	// validate checks the authorizer; its errors name its fields.
	validate() error
	// routeAuthorizer returns the L2 authorizer; id is unique per API.
	routeAuthorizer(id string) awsapigatewayv2.IHttpRouteAuthorizer
}

// JWTAuthorizer admits requests that carry a JSON Web Token from Issuer for
// one of Audiences.
type JWTAuthorizer struct {
	// Name is the authorizer's name, at most 128 characters.
	// Default: the construct id API Gateway's L2 gives.
	Name string
	// Issuer is the token issuer, an https URL of at most 2048 characters. Required.
	Issuer string
	// Audiences are the accepted "aud" (or "client_id") values, at most 50. Required.
	Audiences []string
	// IdentitySource is where the token is. Default: "$request.header.Authorization".
	IdentitySource string
}

// CognitoAuthorizer admits requests with a JWT from a Cognito user pool,
// for one of its app clients.
type CognitoAuthorizer struct {
	// Name is the authorizer's name, at most 128 characters. Default: set by the L2.
	Name string
	// UserPool issues the tokens. Required.
	UserPool awscognito.IUserPool
	// Clients are the app clients whose tokens are accepted, at most 50
	// (each is an audience of the authorizer). Required.
	Clients []awscognito.IUserPoolClient
	// IdentitySource is where the token is. Default: "$request.header.Authorization".
	IdentitySource string
}

// LambdaAuthorizer asks a Lambda function whether to admit a request. Its
// invoke permission is scoped to this authorizer of this API.
type LambdaAuthorizer struct {
	// Name is the authorizer's name, at most 128 characters. Default: set by the L2.
	Name string
	// Function decides. It receives the payload 2.0 authorizer event, or
	// payload 1.0 with PolicyResponses. API Gateway waits for it at most
	// 10 s: synthesis warns (httpapi:AuthorizerTimeout) when its timeout
	// is longer. Required.
	Function awslambda.IFunction
	// IdentitySources are the request values the decision depends on, and
	// the cache key; a request missing one is refused with 401.
	// Default: ["$request.header.Authorization"].
	IdentitySources []string
	// CacheTTL is how long a decision is cached per identity, up to 1 h.
	// Default: 0, no caching (every request invokes the function).
	CacheTTL time.Duration
	// PolicyResponses makes the function answer with an IAM policy instead
	// of the simple {"isAuthorized": bool, "context": {...}} response; its
	// event is then payload format 1.0 (methodArn, a comma-joined
	// identitySource), as the CDK L2 configures it.
	// Default: false, simple responses and payload 2.0.
	PolicyResponses bool
}

// IAMAuthorizer admits requests signed with AWS Signature Version 4 by a
// principal allowed execute-api:Invoke (see API.GrantInvoke).
type IAMAuthorizer struct{}

// NoAuthorizer opts a route out of the API's default authorizer.
type NoAuthorizer struct{}

var identitySourcePattern = regexp.MustCompile(`^\$(request\.header\.[A-Za-z0-9!#$%&'*+.^_` + "`" + `|~-]+|request\.querystring\.[A-Za-z0-9._~-]+|context\.[A-Za-z0-9.]+|stageVariables\.[A-Za-z0-9_]+)$`)

// validateIdentitySource checks s, the identity source at path.
func validateIdentitySource(path, s string) error {
	if !identitySourcePattern.MatchString(s) {
		return propcheck.Errorf(path, " %q is not an identity source: use $request.header.NAME, $request.querystring.NAME, $context.NAME or $stageVariables.NAME", s)
	}
	return nil
}

// validateJWTSource accepts what JWT authorizers take: a header or a query
// string parameter.
func validateJWTSource(path, s string) error {
	if err := validateIdentitySource(path, s); err != nil {
		return err
	}
	if !strings.HasPrefix(s, "$request.header.") && !strings.HasPrefix(s, "$request.querystring.") {
		return propcheck.Errorf(path, " %q is not allowed for a JWT authorizer: use $request.header.NAME or $request.querystring.NAME", s)
	}
	return nil
}

func (a *JWTAuthorizer) authorizationType() string { return "JWT" }

func (a *JWTAuthorizer) validate() error {
	if a.Issuer == "" {
		return propcheck.Errorf("Issuer", " is required: the https URL of the token issuer")
	}
	if !propcheck.IsToken(a.Issuer) {
		if u, err := url.Parse(a.Issuer); err != nil || u.Scheme != "https" || u.Host == "" {
			return propcheck.Errorf("Issuer", ` %q is not allowed: use an https URL like "https://auth.example.com"`, a.Issuer)
		}
	}
	if err := propcheck.Length("Issuer", a.Issuer, 1, quota.IssuerChars); err != nil {
		return err
	}
	if len(a.Audiences) == 0 {
		return propcheck.Errorf("Audiences", " is required: list at least one audience (client id) the tokens must name")
	}
	if len(a.Audiences) > quota.AudiencesPerAuthorizer {
		return propcheck.Errorf("Audiences", ": %d audiences exceed the HTTP API quota of %d audiences per authorizer", len(a.Audiences), quota.AudiencesPerAuthorizer)
	}
	for _, aud := range a.Audiences {
		if aud == "" {
			return propcheck.Errorf("Audiences", " %q has an empty audience: no token names one", a.Audiences)
		}
	}
	if err := validateAuthorizerName(a.Name); err != nil {
		return err
	}
	if a.IdentitySource != "" {
		return validateJWTSource("IdentitySource", a.IdentitySource)
	}
	return nil
}

// validateAuthorizerName checks an authorizer's optional Name.
func validateAuthorizerName(name string) error {
	if name == "" {
		return nil
	}
	return propcheck.Length("Name", name, 1, quota.AuthorizerNameChars)
}

func (a *JWTAuthorizer) routeAuthorizer(id string) awsapigatewayv2.IHttpRouteAuthorizer {
	p := &awsapigatewayv2authorizers.HttpJwtAuthorizerProps{JwtAudience: jsii.Strings(a.Audiences...)}
	if a.Name != "" {
		p.AuthorizerName = jsii.String(a.Name)
	}
	if a.IdentitySource != "" {
		p.IdentitySource = jsii.Strings(a.IdentitySource)
	}
	return awsapigatewayv2authorizers.NewHttpJwtAuthorizer(jsii.String(id), jsii.String(a.Issuer), p)
}

func (a *CognitoAuthorizer) authorizationType() string { return "JWT" }

func (a *CognitoAuthorizer) validate() error {
	if a.UserPool == nil {
		return propcheck.Errorf("UserPool", " is required")
	}
	if len(a.Clients) == 0 {
		return propcheck.Errorf("Clients", " is required: list the app clients whose tokens are accepted")
	}
	if len(a.Clients) > quota.AudiencesPerAuthorizer {
		return propcheck.Errorf("Clients", ": %d app clients exceed the HTTP API quota of %d audiences per authorizer", len(a.Clients), quota.AudiencesPerAuthorizer)
	}
	if err := validateAuthorizerName(a.Name); err != nil {
		return err
	}
	if a.IdentitySource != "" {
		return validateJWTSource("IdentitySource", a.IdentitySource)
	}
	return nil
}

func (a *CognitoAuthorizer) routeAuthorizer(id string) awsapigatewayv2.IHttpRouteAuthorizer {
	clients := append([]awscognito.IUserPoolClient(nil), a.Clients...)
	p := &awsapigatewayv2authorizers.HttpUserPoolAuthorizerProps{UserPoolClients: &clients}
	if a.Name != "" {
		p.AuthorizerName = jsii.String(a.Name)
	}
	if a.IdentitySource != "" {
		p.IdentitySource = jsii.Strings(a.IdentitySource)
	}
	return awsapigatewayv2authorizers.NewHttpUserPoolAuthorizer(jsii.String(id), a.UserPool, p)
}

func (a *LambdaAuthorizer) authorizationType() string { return "CUSTOM" }

func (a *LambdaAuthorizer) validate() error {
	if a.Function == nil {
		return propcheck.Errorf("Function", " is required")
	}
	if a.CacheTTL < 0 || a.CacheTTL > quota.MaxAuthorizerCacheTTL || a.CacheTTL%time.Second != 0 {
		return propcheck.Errorf("CacheTTL", " %s is out of range: use whole seconds from 0 to %s", a.CacheTTL, propcheck.Duration(quota.MaxAuthorizerCacheTTL))
	}
	if err := validateAuthorizerName(a.Name); err != nil {
		return err
	}
	for i, s := range a.IdentitySources {
		if err := validateIdentitySource("IdentitySources"+propcheck.Index(i), s); err != nil {
			return err
		}
	}
	return nil
}

func (a *LambdaAuthorizer) routeAuthorizer(id string) awsapigatewayv2.IHttpRouteAuthorizer {
	p := &awsapigatewayv2authorizers.HttpLambdaAuthorizerProps{
		ResultsCacheTtl: awscdk.Duration_Seconds(jsii.Number(a.CacheTTL.Seconds())),
		ResponseTypes:   &[]awsapigatewayv2authorizers.HttpLambdaResponseType{awsapigatewayv2authorizers.HttpLambdaResponseType_SIMPLE},
	}
	if a.PolicyResponses {
		p.ResponseTypes = &[]awsapigatewayv2authorizers.HttpLambdaResponseType{awsapigatewayv2authorizers.HttpLambdaResponseType_IAM}
	}
	if a.Name != "" {
		p.AuthorizerName = jsii.String(a.Name)
	}
	if len(a.IdentitySources) > 0 {
		p.IdentitySource = jsii.Strings(a.IdentitySources...)
	}
	return awsapigatewayv2authorizers.NewHttpLambdaAuthorizer(jsii.String(id), a.Function, p)
}

func (a *IAMAuthorizer) authorizationType() string { return "AWS_IAM" }
func (a *IAMAuthorizer) validate() error           { return nil }
func (a *IAMAuthorizer) routeAuthorizer(string) awsapigatewayv2.IHttpRouteAuthorizer {
	return awsapigatewayv2authorizers.NewHttpIamAuthorizer()
}

func (a *NoAuthorizer) authorizationType() string { return "NONE" }
func (a *NoAuthorizer) validate() error           { return nil }
func (a *NoAuthorizer) routeAuthorizer(string) awsapigatewayv2.IHttpRouteAuthorizer {
	return awsapigatewayv2.NewHttpNoneAuthorizer()
}
