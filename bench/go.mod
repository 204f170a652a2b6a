module github.com/httpapi-cdk/httpapi/bench

go 1.25.0

require (
	github.com/aws/aws-lambda-go v1.54.0
	github.com/awslabs/aws-lambda-go-api-proxy v0.16.2
	github.com/httpapi-cdk/httpapi v0.0.0
)

replace github.com/httpapi-cdk/httpapi => ../
