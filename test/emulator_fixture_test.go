package test

import (
	"testing"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/httpapi-cdk/httpapi/constructs/gofunction"
	"github.com/httpapi-cdk/httpapi/constructs/httpapi"
)

// emulatorFixture is the stack the local emulator's tests serve: the echo
// function behind two APIs, payload 2.0 (with a $default route and a dev
// stage) and payload 1.0 (no catch-all, CORS with credentials). Its golden
// template is the emulator tests' input, so they run against exactly what
// the constructs synthesize.
func emulatorFixture(app awscdk.App) awscdk.Stack {
	stack := awscdk.NewStack(app, jsii.String("EmulatorFixture"), nil)
	echo := gofunction.New(stack, "Echo", &gofunction.Props{
		Package:     "github.com/httpapi-cdk/httpapi/local/testdata/echofn",
		Timeout:     3 * time.Second,
		Environment: map[string]string{"GREETING": "hello"},
	})
	routes := keys("GET /echo/{id}", "GET /exact/dog", "GET /exact/{id}", "ANY /greedy/{proxy+}", "POST /raw", "ANY /fault/{kind}")
	httpapi.New(stack, "V2", &httpapi.Props{
		Handler: echo.Lambda(),
		Routes:  append(routes, keys("$default")...),
		Stages:  []httpapi.StageOptions{{Name: "dev", Variables: map[string]string{"color": "blue"}}},
		Cors:    &httpapi.Cors{AllowOrigins: []string{"*"}},
	})
	httpapi.New(stack, "V1", &httpapi.Props{
		Handler:      echo.Lambda(),
		Routes:       routes,
		RouteOptions: httpapi.RouteOptions{PayloadFormat: httpapi.PayloadFormatV1},
		Cors: &httpapi.Cors{
			AllowOrigins: []string{"https://app.example"}, AllowCredentials: true,
			ExposeHeaders: []string{"x-trace"}, MaxAge: 5 * time.Minute,
		},
	})
	return stack
}

func TestEmulatorFixtureGolden(t *testing.T) {
	checkGolden(t, "EmulatorFixture.template.json", normalize(templateJSON(t, emulatorFixture(newApp()))))
}
