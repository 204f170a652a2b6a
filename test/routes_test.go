// The invalid props of constructs/httpapi/routes.go: each case refused with its exact message, and the function timeout a route needs.

package test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/jsii-runtime-go"
	"github.com/httpapi-cdk/httpapi/constructs/httpapi"
	"github.com/httpapi-cdk/httpapi/quota"
	"github.com/httpapi-cdk/httpapi/route"
)

// TestInvalidRoutes: routes and RouteOptions that New, AddRoutes and NewRoutes refuse.
func TestInvalidRoutes(t *testing.T) {
	testRefusals(t, []refusal{
		{"bad route key", apiProps(func(fn awslambda.IFunction) *httpapi.Props {
			return &httpapi.Props{Handler: fn, Routes: []route.Key{{Method: "GET", Path: "/a/"}}}
		}), `httpapi: Routes: route key "GET /a/": path must not end with "/" (only the root path may)`},
		{"unknown method", apiProps(func(fn awslambda.IFunction) *httpapi.Props {
			return &httpapi.Props{Handler: fn, Routes: []route.Key{{Method: "FETCH", Path: "/a"}}}
		}), `httpapi: Routes: route key "FETCH /a": method "FETCH" is not one of ANY, DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT`},
		{"duplicate route", apiProps(func(fn awslambda.IFunction) *httpapi.Props {
			return &httpapi.Props{Handler: fn, Routes: keys("GET /a", "GET /a")}
		}), `httpapi: Routes: route "GET /a" is added twice: each route key may appear once per API`},
		{"routes that differ only in variable names", apiProps(func(fn awslambda.IFunction) *httpapi.Props {
			return &httpapi.Props{Handler: fn, Routes: keys("GET /todos/{id}", "GET /todos/{todoId}")}
		}), `httpapi: Routes: route keys "GET /todos/{id}" and "GET /todos/{todoId}" differ only in variable names: API Gateway cannot tell them apart; name the variables alike`},
		{"too many routes", apiProps(func(fn awslambda.IFunction) *httpapi.Props {
			var ks []route.Key
			for i := range quota.RoutesPerAPI + 1 {
				ks = append(ks, route.Key{Method: "GET", Path: fmt.Sprintf("/r%d", i)})
			}
			return &httpapi.Props{Handler: fn, Routes: ks}
		}), "httpapi: Routes: 301 routes exceed the HTTP API quota of 300 routes per API"},
		{"payload format", apiProps(func(fn awslambda.IFunction) *httpapi.Props {
			return &httpapi.Props{Handler: fn, Routes: keys("GET /a"), RouteOptions: httpapi.RouteOptions{PayloadFormat: "3.0"}}
		}), `httpapi: RouteOptions.PayloadFormat "3.0" is not supported: use httpapi.PayloadFormatV2 ("2.0") or httpapi.PayloadFormatV1 ("1.0")`},
		{"integration timeout too long", apiProps(func(fn awslambda.IFunction) *httpapi.Props {
			return &httpapi.Props{Handler: fn, Routes: keys("GET /a"), RouteOptions: httpapi.RouteOptions{IntegrationTimeout: quota.MaxIntegrationTimeout + time.Millisecond}}
		}), "httpapi: RouteOptions.IntegrationTimeout 30.001s is out of range: use whole milliseconds from 50ms to 29s, or 30s"},
		{"integration timeout too short", apiProps(func(fn awslambda.IFunction) *httpapi.Props {
			return &httpapi.Props{Handler: fn, Routes: keys("GET /a"), RouteOptions: httpapi.RouteOptions{IntegrationTimeout: quota.MinIntegrationTimeout - time.Millisecond}}
		}), "httpapi: RouteOptions.IntegrationTimeout 49ms is out of range: use whole milliseconds from 50ms to 29s, or 30s"},
		{"integration timeout the L2 refuses", apiProps(func(fn awslambda.IFunction) *httpapi.Props {
			return &httpapi.Props{Handler: fn, Routes: keys("GET /a"), RouteOptions: httpapi.RouteOptions{IntegrationTimeout: 29500 * time.Millisecond}}
		}), "httpapi: RouteOptions.IntegrationTimeout 29.5s is out of range: use whole milliseconds from 50ms to 29s, or 30s"},
		{"more than 10 scopes", apiProps(func(fn awslambda.IFunction) *httpapi.Props {
			var scopes []string
			for i := range 11 {
				scopes = append(scopes, fmt.Sprintf("scope%d", i))
			}
			return &httpapi.Props{Handler: fn, Routes: keys("GET /a"), RouteOptions: httpapi.RouteOptions{Authorizer: testJWT(), Scopes: scopes}}
		}), "httpapi: RouteOptions.Scopes: 11 scopes exceed the HTTP API quota of 10 scopes per route"},
		{"scope too long", apiProps(func(fn awslambda.IFunction) *httpapi.Props {
			return &httpapi.Props{Handler: fn, Routes: keys("GET /a"), RouteOptions: httpapi.RouteOptions{Authorizer: testJWT(), Scopes: []string{strings.Repeat("s", 65)}}}
		}), `httpapi: RouteOptions.Scopes[0] "sssssssssssssssssssssssssssssssssssss..." is 65 characters long: use 1 to 64`},
		{"empty scope", apiProps(func(fn awslambda.IFunction) *httpapi.Props {
			return &httpapi.Props{Handler: fn, Routes: keys("GET /a"), RouteOptions: httpapi.RouteOptions{Authorizer: testJWT(), Scopes: []string{"read", ""}}}
		}), `httpapi: RouteOptions.Scopes[1] "" is 0 characters long: use 1 to 64`},
		{"scopes without JWT", func(s awscdk.Stack) {
			newAPI(s, httpapi.RouteOptions{Authorizer: &httpapi.IAMAuthorizer{}, Scopes: []string{"read"}})
		}, `httpapi: RouteOptions.Scopes ["read"] need a JWT or Cognito authorizer, got authorization type AWS_IAM`},
		{"authorized OPTIONS route with CORS", func(s awscdk.Stack) {
			httpapi.New(s, "Api", &httpapi.Props{Handler: inlineFunction(s, "Fn", time.Second), Routes: keys("OPTIONS /x"),
				RouteOptions: httpapi.RouteOptions{Authorizer: &httpapi.IAMAuthorizer{}}, Cors: &httpapi.Cors{AllowOrigins: []string{"*"}}})
		}, `httpapi: Routes: route "OPTIONS /x" has a AWS_IAM authorizer, but with Cors set browser preflight requests carry no credentials: give OPTIONS routes &httpapi.NoAuthorizer{}`},
		{"per-route throttle on another stack's API", func(s awscdk.Stack) {
			imported := awsapigatewayv2.HttpApi_FromHttpApiAttributes(s, jsii.String("Imported"), &awsapigatewayv2.HttpApiAttributes{HttpApiId: jsii.String("abc123")})
			httpapi.NewRoutes(s, "Routes", &httpapi.RoutesProps{API: imported, Handler: inlineFunction(s, "Fn", time.Second), Routes: keys("GET /a"),
				RouteOptions: httpapi.RouteOptions{DetailedMetrics: true}})
		}, "httpapi: RouteOptions.DetailedMetrics needs the API's stages, which NewRoutes cannot reach: set Throttle and DetailedMetrics on the httpapi.API that owns the stages"},
		{"routes without API", func(s awscdk.Stack) {
			httpapi.NewRoutes(s, "Routes", &httpapi.RoutesProps{Routes: keys("GET /a")})
		}, "httpapi: API is required: the HTTP API to add routes to"},
		{"more than 10 authorizers", func(s awscdk.Stack) {
			api := newAPI(s, httpapi.RouteOptions{})
			fn := api.Functions()[0]
			for i := range 11 {
				// One Authorizer value per route: one authorizer each.
				api.AddRoutes(fn, []route.Key{{Method: "GET", Path: fmt.Sprintf("/r%d", i)}}, &httpapi.RouteOptions{Authorizer: jwtAuthorizer("https://auth.example.com", "a")})
			}
		}, "httpapi: RouteOptions.Authorizer: 11 authorizers exceed the HTTP API quota of 10 authorizers per API: each Authorizer value is one authorizer, so share one value among the routes it protects"},
	})
}

func TestFunctionTimeoutMustFitIntegration(t *testing.T) {
	stack := newStack()
	fn := inlineFunction(stack, "Slow", 30*time.Second)
	got := panicMessage(func() { httpapi.New(stack, "Api", &httpapi.Props{Handler: fn, Routes: keys("GET /a")}) })
	want := "httpapi: function Test/Slow has a timeout of 30s, not shorter than IntegrationTimeout 30s: " +
		"API Gateway would answer 503 while the function keeps running; use a function timeout of at most 29s"
	if got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
	stack = newStack()
	fn = inlineFunction(stack, "Quick", 5*time.Second)
	got = panicMessage(func() {
		httpapi.New(stack, "Api", &httpapi.Props{Handler: fn, Routes: keys("GET /a"), RouteOptions: httpapi.RouteOptions{IntegrationTimeout: 5 * time.Second}})
	})
	if !strings.Contains(got, "has a timeout of 5s, not shorter than IntegrationTimeout 5s") {
		t.Errorf("a 5 s function behind a 5 s integration: got %q", got)
	}
}
