// Command health is the reference health-check function: a second function
// behind the reference API, with its own route table (app.HealthRoutes).
package main

import (
	"github.com/aws/aws-lambda-go/lambda"

	"github.com/httpapi-cdk/httpapi/function/app"
)

func main() {
	lambda.Start(app.HealthRouter(nil))
}
