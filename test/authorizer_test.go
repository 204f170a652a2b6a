// The invalid props of constructs/httpapi/authorizer.go: each case refused with its exact message.

package test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	"github.com/aws/jsii-runtime-go"
	"github.com/httpapi-cdk/httpapi/constructs/httpapi"
)

// TestInvalidAuthorizers: JWT, Cognito and Lambda authorizers that routes refuse.
func TestInvalidAuthorizers(t *testing.T) {
	testRefusals(t, []refusal{
		{"JWT without issuer", func(s awscdk.Stack) {
			newAPI(s, httpapi.RouteOptions{Authorizer: jwtAuthorizer("", "a")})
		}, "httpapi: RouteOptions.Authorizer.Issuer is required: the https URL of the token issuer"},
		{"JWT issuer not https", func(s awscdk.Stack) {
			newAPI(s, httpapi.RouteOptions{Authorizer: jwtAuthorizer("http://auth.example.com", "a")})
		}, `httpapi: RouteOptions.Authorizer.Issuer "http://auth.example.com" is not allowed: use an https URL like "https://auth.example.com"`},
		{"JWT without audience", func(s awscdk.Stack) {
			newAPI(s, httpapi.RouteOptions{Authorizer: jwtAuthorizer("https://auth.example.com")})
		}, "httpapi: RouteOptions.Authorizer.Audiences is required: list at least one audience (client id) the tokens must name"},
		{"bad identity source", func(s awscdk.Stack) {
			newAPI(s, httpapi.RouteOptions{Authorizer: &httpapi.JWTAuthorizer{Issuer: "https://a.example", Audiences: []string{"a"}, IdentitySource: "Authorization"}})
		}, `httpapi: RouteOptions.Authorizer.IdentitySource "Authorization" is not an identity source: use $request.header.NAME, $request.querystring.NAME, $context.NAME or $stageVariables.NAME`},
		{"JWT identity source from the context", func(s awscdk.Stack) {
			newAPI(s, httpapi.RouteOptions{Authorizer: &httpapi.JWTAuthorizer{Issuer: "https://a.example", Audiences: []string{"a"}, IdentitySource: "$context.identity.sourceIp"}})
		}, `httpapi: RouteOptions.Authorizer.IdentitySource "$context.identity.sourceIp" is not allowed for a JWT authorizer: use $request.header.NAME or $request.querystring.NAME`},
		{"Lambda authorizer without function", func(s awscdk.Stack) {
			newAPI(s, httpapi.RouteOptions{Authorizer: &httpapi.LambdaAuthorizer{}})
		}, "httpapi: RouteOptions.Authorizer.Function is required"},
		{"Lambda authorizer cache too long", func(s awscdk.Stack) {
			newAPI(s, httpapi.RouteOptions{Authorizer: &httpapi.LambdaAuthorizer{Function: inlineFunction(s, "Auth", time.Second), CacheTTL: 2 * time.Hour}})
		}, "httpapi: RouteOptions.Authorizer.CacheTTL 2h0m0s is out of range: use whole seconds from 0 to 1h"},
		{"Cognito without clients", func(s awscdk.Stack) {
			newAPI(s, httpapi.RouteOptions{Authorizer: &httpapi.CognitoAuthorizer{}})
		}, "httpapi: RouteOptions.Authorizer.UserPool is required"},
		{"more than 50 JWT audiences", func(s awscdk.Stack) {
			var aud []string
			for i := range 51 {
				aud = append(aud, fmt.Sprintf("client%d", i))
			}
			newAPI(s, httpapi.RouteOptions{Authorizer: jwtAuthorizer("https://auth.example.com", aud...)})
		}, "httpapi: RouteOptions.Authorizer.Audiences: 51 audiences exceed the HTTP API quota of 50 audiences per authorizer"},
		{"empty JWT audience", func(s awscdk.Stack) {
			newAPI(s, httpapi.RouteOptions{Authorizer: jwtAuthorizer("https://auth.example.com", "api", "")})
		}, `httpapi: RouteOptions.Authorizer.Audiences ["api" ""] has an empty audience: no token names one`},
		{"JWT issuer too long", func(s awscdk.Stack) {
			newAPI(s, httpapi.RouteOptions{Authorizer: jwtAuthorizer("https://auth.example.com/"+strings.Repeat("i", 2030), "a")})
		}, `httpapi: RouteOptions.Authorizer.Issuer "https://auth.example.com/iiiiiiiiiiii..." is 2055 characters long: use 1 to 2048`},
		{"JWT authorizer name too long", func(s awscdk.Stack) {
			newAPI(s, httpapi.RouteOptions{Authorizer: &httpapi.JWTAuthorizer{Name: strings.Repeat("n", 129), Issuer: "https://a.example", Audiences: []string{"a"}}})
		}, `httpapi: RouteOptions.Authorizer.Name "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn..." is 129 characters long: use 1 to 128`},
		{"Lambda authorizer name too long", func(s awscdk.Stack) {
			newAPI(s, httpapi.RouteOptions{Authorizer: &httpapi.LambdaAuthorizer{Name: strings.Repeat("n", 129), Function: inlineFunction(s, "Auth", time.Second)}})
		}, `httpapi: RouteOptions.Authorizer.Name "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn..." is 129 characters long: use 1 to 128`},
		{"more than 50 Cognito app clients", func(s awscdk.Stack) {
			pool := awscognito.UserPool_FromUserPoolId(s, jsii.String("Pool"), jsii.String("eu-west-1_abc"))
			var clients []awscognito.IUserPoolClient
			for i := range 51 {
				clients = append(clients, awscognito.UserPoolClient_FromUserPoolClientId(s, jsii.String(fmt.Sprintf("C%d", i)), jsii.String(fmt.Sprintf("client%d", i))))
			}
			newAPI(s, httpapi.RouteOptions{Authorizer: &httpapi.CognitoAuthorizer{UserPool: pool, Clients: clients}})
		}, "httpapi: RouteOptions.Authorizer.Clients: 51 app clients exceed the HTTP API quota of 50 audiences per authorizer"},
	})
}
