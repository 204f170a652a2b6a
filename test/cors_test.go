// The invalid props of constructs/httpapi/cors.go: each case refused with its exact message.

package test

import (
	"testing"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/httpapi-cdk/httpapi/constructs/httpapi"
)

// TestInvalidCors: Cors configurations API Gateway would refuse or that cannot work.
func TestInvalidCors(t *testing.T) {
	testRefusals(t, []refusal{
		{"cors credentials with wildcard origin", apiProps(func(fn awslambda.IFunction) *httpapi.Props {
			return &httpapi.Props{Cors: &httpapi.Cors{AllowOrigins: []string{"*"}, AllowCredentials: true}}
		}), `httpapi: Cors.AllowCredentials needs explicit AllowOrigins, got "*": API Gateway rejects credentials with a wildcard origin`},
		{"cors wildcard mixed with origins", apiProps(func(fn awslambda.IFunction) *httpapi.Props {
			return &httpapi.Props{Cors: &httpapi.Cors{AllowOrigins: []string{"*", "https://a.com"}}}
		}), `httpapi: Cors.AllowOrigins mixes "*" with other origins ["*" "https://a.com"]: use "*" alone or list origins`},
		{"cors origin with path", apiProps(func(fn awslambda.IFunction) *httpapi.Props {
			return &httpapi.Props{Cors: &httpapi.Cors{AllowOrigins: []string{"https://a.com/"}}}
		}), `httpapi: Cors.AllowOrigins: origin "https://a.com/" is not allowed: use "scheme://host[:port]" with no path or trailing slash, or "*"`},
		{"cors without origins", apiProps(func(fn awslambda.IFunction) *httpapi.Props {
			return &httpapi.Props{Cors: &httpapi.Cors{AllowMethods: []string{"GET"}}}
		}), `httpapi: Cors.AllowOrigins is required: list origins like "https://example.com", or "*"`},
		{"cors bad max age", apiProps(func(fn awslambda.IFunction) *httpapi.Props {
			return &httpapi.Props{Cors: &httpapi.Cors{AllowOrigins: []string{"*"}, MaxAge: 48 * time.Hour}}
		}), "httpapi: Cors.MaxAge 48h0m0s is out of range: use whole seconds from 0 to 24h"},
		{"cors bad method", apiProps(func(fn awslambda.IFunction) *httpapi.Props {
			return &httpapi.Props{Cors: &httpapi.Cors{AllowOrigins: []string{"*"}, AllowMethods: []string{"get"}}}
		}), `httpapi: Cors.AllowMethods: method "get" is not one of *, DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT`},
	})
}
