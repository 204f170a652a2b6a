// Command handler is a stranger's function: two routes served with the
// lambdahttp toolkit.
package main

import (
	"context"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/httpapi-cdk/httpapi/lambdahttp"
	"github.com/httpapi-cdk/httpapi/route"
)

var routes = []route.Key{route.MustParse("GET /orders/{id}"), route.MustParse("POST /orders")}

func main() {
	router, err := lambdahttp.NewRouter(nil,
		lambdahttp.Route{Key: routes[0], Handler: func(_ context.Context, r *lambdahttp.Request) (*lambdahttp.Response, error) {
			return lambdahttp.JSON(200, map[string]string{"id": r.Param("id")}), nil
		}},
		lambdahttp.Route{Key: routes[1], Handler: func(context.Context, *lambdahttp.Request) (*lambdahttp.Response, error) {
			return lambdahttp.Empty(201), nil
		}},
	)
	if err != nil {
		panic(err)
	}
	lambda.Start(router)
}
