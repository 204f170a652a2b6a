// The execute-api resource names of a route: the source ARN Lambda sees, and the resource IAM evaluates.

package route

// A route has two execute-api resource names, the part of an
// "arn:<partition>:execute-api:<region>:<account>:<apiId>/..." ARN after the
// API id (docs/api-gateway-behavior.md R-ARN-1, R-ARN-2). They differ for
// the $default route:
//
//   - the source ARN API Gateway presents to Lambda when it invokes the
//     route's integration, which a lambda:InvokeFunction permission's
//     SourceArn must match ([Key.SourceARNResource]);
//   - the resource IAM evaluates for execute-api:Invoke when a client calls
//     an IAM-authorized route, named after the request's own method and
//     path ([Key.InvokeResource]).
//
// Both name the stage ("*" for every stage) and replace path variables with
// "*": IAM's ArnLike and resource matching treat "*" as any run of
// characters, "/" included, so "items/*" matches both a request path such as
// "items/42" and the route's template "items/{id}".

// SourceARNResource returns the execute-api resource name of the source ARN
// API Gateway presents to Lambda when it invokes k's integration on the
// given stage ("*" for any stage): "<stage>/<METHOD>/<path>", with "*" for
// the ANY method and for each path variable, and "<stage>/$default" for the
// $default route. A lambda:InvokeFunction permission for apigateway.amazonaws.com
// whose SourceArn is
// "arn:<partition>:execute-api:<region>:<account>:<apiId>/" followed by
// this name lets the route invoke the function.
//
// Sources:
//   - Lambda integrations need this permission: https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
//   - the SourceArn of a permission for API Gateway: https://docs.aws.amazon.com/lambda/latest/dg/services-apigateway.html
//   - "<apiId>/<stage>/$default" for the $default route, as the HTTP API
//     console shows it (SAM fixed "*/*/$default", which never matches):
//     https://github.com/aws/serverless-application-model/issues/1860
func (k Key) SourceARNResource(stage string) string {
	if k.IsDefault() {
		return stage + "/" + DefaultKey
	}
	return stage + "/" + k.arnMethod() + k.Wildcard()
}

// InvokeResource returns the execute-api resource name IAM evaluates when a
// client calls k on the given stage ("*" for any stage) through an
// IAM-authorized route: "<stage>/<METHOD>/<path>" with the request's own
// method and path, so "*" stands for the ANY method and for each path
// variable. The $default route takes requests of every method and path, so
// its name is "<stage>/*". An identity policy that allows execute-api:Invoke
// on "arn:<partition>:execute-api:<region>:<account>:<apiId>/" followed by
// this name lets its principal call the route.
//
// Sources:
//   - HTTP API IAM authorization: https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-access-control-iam.html
//   - the resource format "api-id/stage/METHOD_HTTP_VERB/Resource-path":
//     https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-control-access-using-iam-policies-to-invoke-api.html
func (k Key) InvokeResource(stage string) string {
	if k.IsDefault() {
		return stage + "/*"
	}
	return stage + "/" + k.arnMethod() + k.Wildcard()
}

// arnMethod returns k's method as an execute-api resource names it: "*" for ANY.
func (k Key) arnMethod() string {
	if k.Method == "ANY" {
		return "*"
	}
	return k.Method
}
