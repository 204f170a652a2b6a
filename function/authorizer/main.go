// Command authorizer is the reference Lambda authorizer (payload 2.0,
// simple responses): it admits requests whose Authorization header is
// "Bearer <token>" for a token listed in ALLOWED_TOKENS (comma-separated),
// and passes the caller's tenant on as context.
package main

import (
	"context"
	"os"
	"strings"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
)

// decide is the authorizer, separate from main for its test.
func decide(allowed []string, ev events.APIGatewayV2CustomAuthorizerV2Request) events.APIGatewayV2CustomAuthorizerSimpleResponse {
	var header string
	if len(ev.IdentitySource) > 0 {
		header = ev.IdentitySource[0]
	}
	token, ok := strings.CutPrefix(header, "Bearer ")
	if !ok || token == "" {
		return events.APIGatewayV2CustomAuthorizerSimpleResponse{IsAuthorized: false}
	}
	for _, a := range allowed {
		if a != "" && token == a {
			return events.APIGatewayV2CustomAuthorizerSimpleResponse{
				IsAuthorized: true,
				Context:      map[string]any{"tenant": "reference", "route": ev.RouteKey},
			}
		}
	}
	return events.APIGatewayV2CustomAuthorizerSimpleResponse{IsAuthorized: false}
}

func main() {
	allowed := strings.Split(os.Getenv("ALLOWED_TOKENS"), ",")
	lambda.Start(func(_ context.Context, ev events.APIGatewayV2CustomAuthorizerV2Request) (events.APIGatewayV2CustomAuthorizerSimpleResponse, error) {
		return decide(allowed, ev), nil
	})
}
