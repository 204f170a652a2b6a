package lambdahttp_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"

	"github.com/aws/aws-lambda-go/events"

	"github.com/httpapi-cdk/httpapi/lambdahttp"
	"github.com/httpapi-cdk/httpapi/route"
)

// quiet keeps the router's per-request log lines out of the examples' output.
var quiet = &lambdahttp.Options{Logger: slog.New(slog.DiscardHandler)}

// show invokes the router with the payload 2.0 event API Gateway would
// send for a request that matched routeKey, as the Lambda runtime would,
// and prints the response the client would get.
func show(router *lambdahttp.Router, method, path, routeKey string, params map[string]string, body string) {
	event, _ := json.Marshal(events.APIGatewayV2HTTPRequest{
		Version: "2.0", RouteKey: routeKey, RawPath: path, PathParameters: params, Body: body,
		Headers: map[string]string{"content-type": "application/json"},
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			RequestID: "req-1", Stage: "$default",
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: method, Path: path},
		},
	})
	out, err := router.Invoke(context.Background(), event)
	if err != nil {
		fmt.Println("error:", err) // never happens: the router answers every event
		return
	}
	var resp events.APIGatewayV2HTTPResponse
	json.Unmarshal(out, &resp)
	fmt.Println(resp.StatusCode, resp.Headers["Content-Type"], resp.Body)
}

// A router serves the route table the stack deploys; in a function's main,
// lambda.Start(router) hands it the events.
func ExampleNewRouter() {
	router, err := lambdahttp.NewRouter(quiet,
		lambdahttp.Route{Key: route.MustParse("GET /hello/{name}"), Handler: func(ctx context.Context, r *lambdahttp.Request) (*lambdahttp.Response, error) {
			return lambdahttp.Text(200, "Hello, "+r.Param("name")+"!"), nil
		}},
	)
	if err != nil {
		panic(err)
	}
	fmt.Println(router.Keys())
	show(router, "GET", "/hello/ann", "GET /hello/{name}", map[string]string{"name": "ann"}, "")
	show(router, "GET", "/nothing", "$default", nil, "")
	// Output:
	// [GET /hello/{name}]
	// 200 text/plain; charset=utf-8 Hello, ann!
	// 404 application/json {"message":"Not Found","requestId":"req-1"}
}

// A JSON handler decodes the request body with DecodeJSON, which answers
// 400 on its own for a body that is not what the handler expects, and
// encodes its answer with JSON.
func ExampleJSON() {
	type order struct {
		Item  string `json:"item"`
		Count int    `json:"count"`
	}
	router, err := lambdahttp.NewRouter(quiet,
		lambdahttp.Route{Key: route.MustParse("POST /orders"), Handler: func(ctx context.Context, r *lambdahttp.Request) (*lambdahttp.Response, error) {
			var o order
			if err := r.DecodeJSON(&o); err != nil {
				return nil, err
			}
			return lambdahttp.JSON(201, map[string]any{"ordered": o, "requestId": r.RequestID}), nil
		}},
	)
	if err != nil {
		panic(err)
	}
	show(router, "POST", "/orders", "POST /orders", nil, `{"item":"tea","count":2}`)
	show(router, "POST", "/orders", "POST /orders", nil, `{"item":"tea","count":"two"}`)
	// Output:
	// 201 application/json {"ordered":{"item":"tea","count":2},"requestId":"req-1"}
	// 400 application/json {"message":"request body field \"count\" must be int, got string","field":"count","requestId":"req-1"}
}

// A handler returns an *Error, made with Errorf, to answer with a status
// and a message of its own; any other error becomes a 500 whose message
// says nothing of the cause, which goes to the log.
func ExampleErrorf() {
	router, err := lambdahttp.NewRouter(quiet,
		lambdahttp.Route{Key: route.MustParse("PUT /orders/{id}"), Handler: func(ctx context.Context, r *lambdahttp.Request) (*lambdahttp.Response, error) {
			return nil, lambdahttp.Errorf(409, "order %s is already shipped", r.Param("id"))
		}},
		lambdahttp.Route{Key: route.MustParse("DELETE /orders/{id}"), Handler: func(ctx context.Context, r *lambdahttp.Request) (*lambdahttp.Response, error) {
			return nil, fmt.Errorf("database: connection refused")
		}},
	)
	if err != nil {
		panic(err)
	}
	show(router, "PUT", "/orders/7", "PUT /orders/{id}", map[string]string{"id": "7"}, "")
	show(router, "DELETE", "/orders/7", "DELETE /orders/{id}", map[string]string{"id": "7"}, "")
	// Output:
	// 409 application/json {"message":"order 7 is already shipped","requestId":"req-1"}
	// 500 application/json {"message":"Internal Server Error","requestId":"req-1"}
}
