// Command consumer is a CDK app written by someone else: it imports only
// the public constructs, defines its own stack around its own handler,
// and synthesizes into CDK_OUTDIR.
package main

import (
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/httpapi-cdk/httpapi/cdkapp"
	"github.com/httpapi-cdk/httpapi/constructs/gofunction"
	"github.com/httpapi-cdk/httpapi/constructs/httpapi"
	"github.com/httpapi-cdk/httpapi/route"
)

func main() {
	cdkapp.Main(func(app awscdk.App) {
		stack := awscdk.NewStack(app, jsii.String("ConsumerStack"), nil)
		fn := gofunction.New(stack, "Orders", &gofunction.Props{Package: "example.com/consumer/handler", Timeout: 5 * time.Second})
		api := httpapi.New(stack, "OrdersApi", &httpapi.Props{
			Handler: fn.Lambda(),
			Routes:  []route.Key{route.MustParse("GET /orders/{id}"), route.MustParse("POST /orders")},
			Cors:    &httpapi.Cors{AllowOrigins: []string{"https://shop.example.com"}},
		})
		awscdk.NewCfnOutput(stack, jsii.String("OrdersUrl"), &awscdk.CfnOutputProps{Value: api.URL()})
	})
}
