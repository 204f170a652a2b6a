// Package app is the reference function: the route table the reference
// stack deploys and the handlers that serve it, built on lambdahttp.
package app

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/httpapi-cdk/httpapi/lambdahttp"
	"github.com/httpapi-cdk/httpapi/route"
)

// routes is the route table: the function serves exactly these routes, and
// the reference stack deploys exactly these, through Routes.
var routes = []lambdahttp.Route{
	{Key: route.MustParse("GET /hello"), Handler: hello},
	lambdahttp.JSONRoute("GET /hello/{name}", helloName, lambdahttp.WithSummary("Greets name.")),
	lambdahttp.JSONRoute("POST /echo", echo, lambdahttp.WithSummary("Echoes a message, repeated.")),
	lambdahttp.JSONRoute("GET /report", report, lambdahttp.WithSummary("A daily report, gzip-compressed for clients that accept it.")),
	{Key: route.MustParse("GET /pixel.png"), Handler: pixel},
	{Key: route.MustParse("GET /cookies"), Handler: cookies},
	{Key: route.MustParse("GET /fail"), Handler: fail},
	{Key: route.Default(), Handler: notFound},
}

// Routes returns the route keys the function serves, for the stack to deploy.
func Routes() []route.Key { return keysOf(routes) }

// Router returns the function's router, logging as opts say (nil: JSON
// lines on standard output).
func Router(opts *lambdahttp.Options) *lambdahttp.Router { return mustRouter(opts, routes) }

func keysOf(table []lambdahttp.Route) []route.Key {
	keys := make([]route.Key, len(table))
	for i, r := range table {
		keys[i] = r.Key
	}
	return keys
}

func mustRouter(opts *lambdahttp.Options, table []lambdahttp.Route) *lambdahttp.Router {
	rt, err := lambdahttp.NewRouter(opts, table...)
	if err != nil {
		panic(err) // the tables are constants; their tests keep them valid
	}
	return rt
}

type message struct {
	Message string `json:"message"`
}

func hello(context.Context, *lambdahttp.Request) (*lambdahttp.Response, error) {
	return lambdahttp.JSON(http.StatusOK, message{Message: "Hello, world!"}), nil
}

// HelloName is the path parameter of GET /hello/{name}.
type HelloName struct {
	Name string `path:"name" validate:"max=64"`
}

func helloName(_ context.Context, _ *lambdahttp.Request, in HelloName) (message, error) {
	return message{Message: "Hello, " + in.Name + "!"}, nil
}

// EchoRequest is the body POST /echo accepts.
type EchoRequest struct {
	Message string `json:"message" validate:"required"`
	Repeat  int    `json:"repeat,omitempty" validate:"min=0,max=10"`
}

// EchoResponse is the body POST /echo answers with.
type EchoResponse struct {
	Message string `json:"message"`
	Length  int    `json:"length"`
}

// echo repeats the message; JSONRoute has checked the body already.
func echo(_ context.Context, _ *lambdahttp.Request, in EchoRequest) (EchoResponse, error) {
	msg := in.Message
	if in.Repeat > 1 {
		msg = strings.Repeat(in.Message, in.Repeat)
	}
	return EchoResponse{Message: msg, Length: utf8.RuneCountInString(msg)}, nil
}

// ReportQuery is the query of GET /report.
type ReportQuery struct {
	// Days is how many days the report covers. Default: 90.
	Days *int `query:"days" validate:"min=1,max=366"`
}

// ReportRow is one row of GET /report.
type ReportRow struct {
	Day      int    `json:"day"`
	Requests int    `json:"requests"`
	Status   string `json:"status"`
}

// report returns a JSON document large enough to be worth compressing;
// the router gzips it for clients that accept gzip.
func report(_ context.Context, _ *lambdahttp.Request, in ReportQuery) ([]ReportRow, error) {
	days := 90
	if in.Days != nil {
		days = *in.Days
	}
	rows := make([]ReportRow, days)
	for i := range rows {
		rows[i] = ReportRow{Day: i + 1, Requests: (i*7919 + 104729) % 10007, Status: "ok"}
	}
	return rows, nil
}

// pixelPNG is a 1×1 orange PNG.
var pixelPNG = []byte{0x89, 0x50, 0x4e, 0x47, 0xd, 0xa, 0x1a, 0xa, 0x0, 0x0, 0x0, 0xd, 0x49, 0x48, 0x44, 0x52, 0x0, 0x0, 0x0, 0x1, 0x0, 0x0, 0x0, 0x1, 0x8, 0x2, 0x0, 0x0, 0x0, 0x90, 0x77, 0x53, 0xde, 0x0, 0x0, 0x0, 0x10, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x62, 0xfa, 0x3f, 0x93, 0x1, 0x10, 0x0, 0x0, 0xff, 0xff, 0x4, 0x3b, 0x1, 0x9b, 0x36, 0x56, 0x29, 0x91, 0x0, 0x0, 0x0, 0x0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82}

func pixel(context.Context, *lambdahttp.Request) (*lambdahttp.Response, error) {
	return lambdahttp.Binary(http.StatusOK, "image/png", pixelPNG).SetHeader("Cache-Control", "max-age=86400"), nil
}

// cookies counts the caller's visits in a cookie.
func cookies(_ context.Context, r *lambdahttp.Request) (*lambdahttp.Response, error) {
	visits := 0
	if v, ok := r.Cookie("visits"); ok {
		visits, _ = strconv.Atoi(v)
	}
	visits++
	resp := lambdahttp.JSON(http.StatusOK, map[string]any{"visits": visits, "cookies": len(r.Cookies)})
	return resp.SetCookie(&http.Cookie{Name: "visits", Value: strconv.Itoa(visits), Path: "/", HttpOnly: true, Secure: true, SameSite: http.SameSiteLaxMode}), nil
}

// errFail is what GET /fail fails with, to show how errors are answered.
var errFail = errors.New("the /fail route always fails")

func fail(context.Context, *lambdahttp.Request) (*lambdahttp.Response, error) {
	return nil, errFail
}

func notFound(_ context.Context, r *lambdahttp.Request) (*lambdahttp.Response, error) {
	return nil, lambdahttp.Errorf(http.StatusNotFound, "no route for %s %s", r.Method, r.Path)
}
