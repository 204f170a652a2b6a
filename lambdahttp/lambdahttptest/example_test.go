package lambdahttptest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"

	"github.com/httpapi-cdk/httpapi/lambdahttp"
	"github.com/httpapi-cdk/httpapi/lambdahttp/lambdahttptest"
	"github.com/httpapi-cdk/httpapi/route"
)

// greet answers GET /hello/{name} with a greeting in the language of the
// lang query parameter.
func greet(_ context.Context, r *lambdahttp.Request) (*lambdahttp.Response, error) {
	greeting := "Hello"
	if r.Query().Get("lang") == "fr" {
		greeting = "Bonjour"
	}
	return lambdahttp.JSON(http.StatusOK, map[string]string{"message": greeting + ", " + r.Param("name") + "!"}), nil
}

// Send a request through API Gateway's payload 2.0 to a router, on a named
// stage, and read the response the client would get.
func ExampleGateway_Do() {
	router, err := lambdahttp.NewRouter(&lambdahttp.Options{Logger: slog.New(slog.DiscardHandler)},
		lambdahttp.Route{Key: route.MustParse("GET /hello/{name}"), Handler: greet})
	if err != nil {
		log.Fatal(err)
	}
	gw := &lambdahttptest.Gateway{Handler: router, Stage: "dev"} // the router's routes

	resp, err := gw.Do(httptest.NewRequest("GET", "/dev/hello/Ann?lang=fr", nil))
	if err != nil {
		log.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	fmt.Println(resp.StatusCode, resp.Header.Get("Content-Type"))
	fmt.Println(string(body))

	resp, _ = gw.Do(httptest.NewRequest("GET", "/dev/goodbye", nil))
	body, _ = io.ReadAll(resp.Body)
	fmt.Println(resp.StatusCode, string(body))
	// Output:
	// 200 application/json
	// {"message":"Bonjour, Ann!"}
	// 404 {"message":"Not Found"}
}

// Call a lambdahttp handler directly with the Request it would be given,
// here with a JWT authorizer's claims.
func ExampleGateway_Request() {
	whoami := func(_ context.Context, r *lambdahttp.Request) (*lambdahttp.Response, error) {
		return lambdahttp.Text(http.StatusOK, r.Authorizer.JWTClaims["sub"]+" "+r.Cookies[0]), nil
	}
	gw := &lambdahttptest.Gateway{Routes: []route.Key{route.MustParse("GET /me")}}
	r := httptest.NewRequest("GET", "/me", nil)
	r.Header.Set("Cookie", "theme=dark")
	r = lambdahttptest.WithAuthorizer(r, &lambdahttptest.Authorizer{JWTClaims: map[string]string{"sub": "user-1"}})

	req, err := gw.Request(r)
	if err != nil {
		log.Fatal(err)
	}
	resp, err := whoami(context.Background(), req)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(req.RouteKey, resp.Status, string(resp.Body))
	// Output: GET /me 200 user-1 theme=dark
}

// Test a handler written against aws-lambda-go's payload 1.0 types: its
// multi-value headers reach the client as several header lines.
func ExampleGateway_Do_payloadV1() {
	handler := lambda.NewHandler(func(ev events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
		return events.APIGatewayProxyResponse{
			StatusCode:        http.StatusOK,
			Headers:           map[string]string{"Content-Type": "text/plain"},
			MultiValueHeaders: map[string][]string{"Set-Cookie": {"a=1", "b=2"}},
			Body:              ev.HTTPMethod + " " + ev.Resource + " " + ev.PathParameters["id"],
		}, nil
	})
	gw := &lambdahttptest.Gateway{Handler: handler, PayloadFormat: "1.0", Routes: []route.Key{route.MustParse("ANY /items/{id}")}}

	resp, err := gw.Do(httptest.NewRequest("DELETE", "/items/7", nil))
	if err != nil {
		log.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	fmt.Println(resp.StatusCode, string(body), resp.Header.Values("Set-Cookie"))
	// Output: 200 DELETE /items/{id} 7 [a=1 b=2]
}

// Look at the event itself: what API Gateway sends for a form post.
func ExampleGateway_Event() {
	gw := &lambdahttptest.Gateway{} // no Handler to invoke, no routes: $default alone
	r := httptest.NewRequest("POST", "/signup?ref=ad&ref=mail", strings.NewReader("name=ann"))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")

	event, err := gw.Event(r)
	if err != nil {
		log.Fatal(err)
	}
	var ev events.APIGatewayV2HTTPRequest
	if err := json.Unmarshal(event, &ev); err != nil {
		log.Fatal(err)
	}
	fmt.Println(ev.RouteKey, ev.RawQueryString, ev.QueryStringParameters["ref"])
	fmt.Println(ev.Body, ev.IsBase64Encoded)
	// Output:
	// $default ref=ad&ref=mail ad,mail
	// bmFtZT1hbm4= true
}
