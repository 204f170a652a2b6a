module github.com/httpapi-cdk/httpapi/bench

go 1.26

require (
	github.com/aws/aws-lambda-go v1.55.1
	github.com/awslabs/aws-lambda-go-api-proxy v0.16.2
	github.com/httpapi-cdk/httpapi v0.0.0
)

replace github.com/httpapi-cdk/httpapi => ../
