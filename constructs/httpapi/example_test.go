package httpapi_test

import (
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/httpapi-cdk/httpapi/cdkapp"
	"github.com/httpapi-cdk/httpapi/constructs/gofunction"
	"github.com/httpapi-cdk/httpapi/constructs/httpapi"
	"github.com/httpapi-cdk/httpapi/route"
)

func TestMain(m *testing.M) {
	os.Setenv("CDK_VALIDATION", "false")
	os.Exit(cdkapp.Run(m.Run))
}

// A Go function behind an HTTP API: two routes and a catch-all, a "dev"
// stage next to $default, and CORS for one origin.
func ExampleNew() {
	app := awscdk.NewApp(nil)
	stack := awscdk.NewStack(app, jsii.String("MyService"), nil)

	fn := gofunction.New(stack, "Handler", &gofunction.Props{
		Package: "github.com/httpapi-cdk/httpapi/function", // your main package
		Timeout: 10 * time.Second,
	})
	api := httpapi.New(stack, "Api", &httpapi.Props{
		Handler: fn.Lambda(),
		Routes: []route.Key{
			route.MustParse("GET /hello"),
			route.MustParse("POST /orders/{id}"),
			route.Default(),
		},
		Stages: []httpapi.StageOptions{{Name: "dev", Variables: map[string]string{"environment": "dev"}}},
		Cors:   &httpapi.Cors{AllowOrigins: []string{"https://app.example.com"}},
	})

	for _, r := range api.Routes() {
		fmt.Println(r.Key)
	}
	for _, s := range api.Stages() {
		fmt.Println("stage", *s.StageName())
	}
	// Output:
	// GET /hello
	// POST /orders/{id}
	// $default
	// stage $default
	// stage dev
}

// AddRoutes puts more functions behind the same API: each gets one
// integration and its own least-privilege invoke permissions.
func ExampleAPI_AddRoutes() {
	stack := awscdk.NewStack(awscdk.NewApp(nil), jsii.String("MyService"), nil)
	orders := gofunction.New(stack, "Orders", &gofunction.Props{Package: "github.com/httpapi-cdk/httpapi/function"})
	reports := gofunction.New(stack, "Reports", &gofunction.Props{Package: "github.com/httpapi-cdk/httpapi/function"})

	api := httpapi.New(stack, "Api", &httpapi.Props{Handler: orders.Lambda(), Routes: []route.Key{route.MustParse("ANY /orders/{proxy+}")}})
	api.AddRoutes(reports.Lambda(), []route.Key{route.MustParse("GET /reports")}, &httpapi.RouteOptions{
		PayloadFormat:      httpapi.PayloadFormatV1,
		IntegrationTimeout: 15 * time.Second,
	})
	fmt.Println(len(api.Functions()), "functions,", len(api.Routes()), "routes")
	// Output: 2 functions, 2 routes
}

// An API served only under versioned stages, with no $default stage, to
// IPv4 and IPv6 clients: https://{id}.execute-api.{region}.amazonaws.com/v1/...
// and /v2/...; the root answers 404.
func ExampleProps_noDefaultStage() {
	stack := awscdk.NewStack(awscdk.NewApp(nil), jsii.String("MyService"), nil)
	fn := gofunction.New(stack, "Handler", &gofunction.Props{Package: "github.com/httpapi-cdk/httpapi/function"})

	api := httpapi.New(stack, "Api", &httpapi.Props{
		Handler:        fn.Lambda(),
		Routes:         []route.Key{route.MustParse("GET /orders/{id}")},
		NoDefaultStage: true,
		Stages: []httpapi.StageOptions{
			{Name: "v1", Variables: map[string]string{"schema": "1"}},
			{Name: "v2", Variables: map[string]string{"schema": "2"}},
		},
		IPAddressType: httpapi.DualStack,
	})
	for _, s := range api.Stages() {
		fmt.Println("stage", *s.StageName())
	}
	fmt.Println(api.Stage("$default") == nil)
	// Output:
	// stage v1
	// stage v2
	// true
}
