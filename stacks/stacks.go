// Package stacks holds the reference stacks, composed only from this
// project's constructs. They differ by props, never by copied bodies.
package stacks

import (
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/httpapi-cdk/httpapi/constructs/gofunction"
	"github.com/httpapi-cdk/httpapi/constructs/httpapi"
	"github.com/httpapi-cdk/httpapi/function/app"
)

// FunctionPackage is the import path of the reference function.
const FunctionPackage = "github.com/httpapi-cdk/httpapi/function"

// Props configure a reference stack.
type Props struct {
	// StackProps are passed to the stack.
	// Default: an environment-agnostic stack.
	StackProps awscdk.StackProps

	// PayloadFormat is the integration's payload format.
	// Default: httpapi.PayloadFormatV2.
	PayloadFormat httpapi.PayloadFormat
}

// Reference is a reference stack: the reference function behind an HTTP API
// with its route table, a $default stage and a "dev" stage with stage
// variables, and CORS for one origin.
type Reference struct {
	awscdk.Stack
	// Function is the reference function.
	Function gofunction.Function
	// API is the HTTP API.
	API httpapi.API
}

// NewReference defines a reference stack.
func NewReference(scope constructs.Construct, id string, props *Props) *Reference {
	var p Props
	if props != nil {
		p = *props
	}
	stack := awscdk.NewStack(scope, jsii.String(id), &p.StackProps)
	fn := gofunction.New(stack, "Handler", &gofunction.Props{
		Package:     FunctionPackage,
		Timeout:     10 * time.Second,
		Description: "Reference handler of the httpapi construct library",
	})
	api := httpapi.New(stack, "Api", &httpapi.Props{
		Handler:      fn.Lambda(),
		Routes:       app.Routes(),
		RouteOptions: httpapi.RouteOptions{PayloadFormat: p.PayloadFormat},
		Description:  "Reference HTTP API of the httpapi construct library",
		Stages: []httpapi.StageOptions{{
			Name:      "dev",
			Variables: map[string]string{"environment": "dev"},
		}},
		Cors: &httpapi.Cors{
			AllowOrigins: []string{"https://example.com"},
			AllowMethods: []string{"GET", "POST"},
			MaxAge:       10 * time.Minute,
		},
	})
	return &Reference{Stack: stack, Function: fn, API: api}
}

// NewApp defines every reference stack in app: "HttpApiReference" (payload
// format 2.0) and "HttpApiReferenceV1" (the same with payload format 1.0).
func NewApp(app awscdk.App) []*Reference {
	return []*Reference{
		NewReference(app, "HttpApiReference", nil),
		NewReference(app, "HttpApiReferenceV1", &Props{PayloadFormat: httpapi.PayloadFormatV1}),
	}
}
