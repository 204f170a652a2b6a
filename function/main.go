// Command function is the reference Lambda function: the routes of package
// app, served through lambdahttp. Build it with the gofunction construct.
package main

import (
	"github.com/aws/aws-lambda-go/lambda"

	"github.com/httpapi-cdk/httpapi/function/app"
)

func main() {
	lambda.Start(app.Router(nil))
}
