// The invalid props of constructs/httpapi/httpapi.go: each case refused with its exact message.

package test

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/jsii-runtime-go"
	"github.com/httpapi-cdk/httpapi/constructs/httpapi"
	"github.com/httpapi-cdk/httpapi/route"
)

// TestInvalidHTTPAPIProps: Props that httpapi.New refuses as a whole (Handler, Name, Description, the stage shape, RouteOverrides keys), and GrantInvoke.
func TestInvalidHTTPAPIProps(t *testing.T) {
	testRefusals(t, []refusal{
		{"routes without handler", apiProps(func(awslambda.IFunction) *httpapi.Props {
			return &httpapi.Props{Routes: keys("GET /a")}
		}), "httpapi: Handler is required when Routes is set (got 1 routes and no Handler)"},
		{"no default stage and no named stage", apiProps(func(fn awslambda.IFunction) *httpapi.Props {
			return &httpapi.Props{NoDefaultStage: true}
		}), "httpapi: NoDefaultStage needs at least one of Stages, got none: an API without stages serves nothing; name a stage in Stages, or leave NoDefaultStage unset"},
		{"no default stage, yet configured", apiProps(func(fn awslambda.IFunction) *httpapi.Props {
			return &httpapi.Props{NoDefaultStage: true, DefaultStage: &httpapi.StageOptions{Description: "live"}, Stages: []httpapi.StageOptions{{Name: "v1"}}}
		}), "httpapi: DefaultStage configures the $default stage, which NoDefaultStage leaves out: set one or the other"},
		{"name too long", apiProps(func(fn awslambda.IFunction) *httpapi.Props {
			return &httpapi.Props{Name: strings.Repeat("n", 129)}
		}), `httpapi: Name "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn..." is 129 characters long: use 1 to 128`},
		{"description too long", apiProps(func(fn awslambda.IFunction) *httpapi.Props {
			return &httpapi.Props{Description: strings.Repeat("d", 1025)}
		}), `httpapi: Description "ddddddddddddddddddddddddddddddddddddd..." is 1025 characters long: use 0 to 1024`},
		{"override of an unknown route", func(s awscdk.Stack) {
			httpapi.New(s, "Api", &httpapi.Props{Handler: inlineFunction(s, "Fn", time.Second), Routes: keys("GET /a"),
				RouteOverrides: map[route.Key]httpapi.RouteOptions{route.MustParse("GET /b"): {}}})
		}, `httpapi: RouteOverrides: route "GET /b" is not one of Routes: each override must name a route of the table`},
		{"grant on an unknown route", func(s awscdk.Stack) {
			role := awsiam.NewRole(s, jsii.String("R"), &awsiam.RoleProps{AssumedBy: awsiam.NewAccountRootPrincipal()})
			newAPI(s, httpapi.RouteOptions{}).GrantInvoke(role, route.MustParse("GET /nope"))
		}, `httpapi: GrantInvoke: route "GET /nope" is not a route of this API`},
	})
}

// TestNestedPropPaths: a message about a prop nested in others names it by
// its whole path from the props given, Parent[...].Field, after the
// package's name, once: inner validators word their messages relative to
// their own props, and each level adds its field in front.
func TestNestedPropPaths(t *testing.T) {
	override := func(o httpapi.RouteOptions) func(awscdk.Stack) {
		return apiProps(func(fn awslambda.IFunction) *httpapi.Props {
			return &httpapi.Props{Handler: fn, Routes: keys("GET /a"), RouteOverrides: map[route.Key]httpapi.RouteOptions{route.MustParse("GET /a"): o}}
		})
	}
	for _, tc := range []struct {
		name string
		run  func(s awscdk.Stack)
		path string // the message's start after "httpapi: "
	}{
		{"override's throttle", override(httpapi.RouteOptions{Throttle: httpapi.Throttle{RateLimit: 5}}), `RouteOverrides["GET /a"].Throttle`},
		{"override's throttle's rate", override(httpapi.RouteOptions{Throttle: httpapi.Throttle{RateLimit: math.NaN(), BurstLimit: 1}}), `RouteOverrides["GET /a"].Throttle.RateLimit`},
		{"override's authorizer", override(httpapi.RouteOptions{Authorizer: jwtAuthorizer("", "a")}), `RouteOverrides["GET /a"].Authorizer.Issuer`},
		{"override's scope", override(httpapi.RouteOptions{Authorizer: testJWT(), Scopes: []string{"read", ""}}), `RouteOverrides["GET /a"].Scopes[1]`},
		{"default authorizer's identity source", func(s awscdk.Stack) {
			newAPI(s, httpapi.RouteOptions{Authorizer: &httpapi.LambdaAuthorizer{Function: inlineFunction(s, "Auth", time.Second), IdentitySources: []string{"$request.header.A", "B"}}})
		}, "RouteOptions.Authorizer.IdentitySources[1]"},
		{"AddRoutes options", func(s awscdk.Stack) {
			api := newAPI(s, httpapi.RouteOptions{})
			api.AddRoutes(api.Functions()[0], keys("GET /b"), &httpapi.RouteOptions{Authorizer: &httpapi.JWTAuthorizer{Issuer: "https://a.example", Audiences: []string{"a"}, Name: strings.Repeat("n", 129)}})
		}, "RouteOptions.Authorizer.Name"},
		{"named stage's variable", apiProps(func(fn awslambda.IFunction) *httpapi.Props {
			return &httpapi.Props{Stages: []httpapi.StageOptions{{Name: "v1"}, {Name: "dev", Variables: map[string]string{"greeting": "hello world"}}}}
		}), `Stages[1].Variables["greeting"]`},
		{"named stage's throttle", apiProps(func(fn awslambda.IFunction) *httpapi.Props {
			return &httpapi.Props{Stages: []httpapi.StageOptions{{Name: "dev", Throttle: httpapi.Throttle{RateLimit: math.Inf(1), BurstLimit: 1}}}}
		}), "Stages[0].Throttle.RateLimit"},
		{"default stage's throttle", apiProps(func(fn awslambda.IFunction) *httpapi.Props {
			return &httpapi.Props{DefaultStage: &httpapi.StageOptions{Throttle: httpapi.Throttle{BurstLimit: 1}}}
		}), "DefaultStage.Throttle"},
		{"CORS header", apiProps(func(fn awslambda.IFunction) *httpapi.Props {
			return &httpapi.Props{Cors: &httpapi.Cors{AllowOrigins: []string{"*"}, ExposeHeaders: []string{"x-a, x-b"}}}
		}), "Cors.ExposeHeaders"},
		{"access log field", apiProps(func(fn awslambda.IFunction) *httpapi.Props {
			return &httpapi.Props{AccessLogs: httpapi.AccessLogs{Fields: map[string]string{"requestId": "$context.requestId", "": "$context.status"}}}
		}), "AccessLogs.Fields"},
		{"domain mapping", func(s awscdk.Stack) {
			newAPI(s, httpapi.RouteOptions{}).AddDomain("D", &httpapi.DomainOptions{Name: "api.example.com", Certificate: testCert(s),
				Mappings: []httpapi.DomainMapping{{Stage: "$default", Key: "v1"}, {Stage: "$default", Key: "v1"}}})
		}, "DomainOptions.Mappings[1].Key"},
		{"alarm period", func(s awscdk.Stack) {
			newAPI(s, httpapi.RouteOptions{}).AddAlarms("A", &httpapi.AlarmOptions{Period: time.Second})
		}, "AlarmOptions.Period"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := panicMessage(func() { tc.run(newStack()) })
			rest, ok := strings.CutPrefix(got, "httpapi: "+tc.path)
			if !ok || !strings.HasPrefix(rest, " ") && !strings.HasPrefix(rest, ":") {
				t.Errorf("panicked with\n  %q\nwant it to name %s", got, tc.path)
			}
			if n := strings.Count(got, "httpapi:"); n != 1 {
				t.Errorf("%q names the package %d times", got, n)
			}
		})
	}
}
