package lambdahttp_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/httpapi-cdk/httpapi/lambdahttp"
	"github.com/httpapi-cdk/httpapi/lambdahttp/lambdahttptest"
	"github.com/httpapi-cdk/httpapi/route"
)

// errorCase is an error a handler ends with, and what every front-end
// makes of it: the status and message the client gets, and whether the
// function's logger gets an ERROR line carrying the request id.
type errorCase struct {
	name    string
	err     error // returned by the handler; nil: it panics
	status  int
	message string
	field   string
	logged  string // what the ERROR line says; "" for none
}

var errorCases = []errorCase{
	{"client error keeps status and field", &lambdahttp.Error{Status: 409, Message: "taken", Field: "name"}, 409, "taken", "name", ""},
	{"server error keeps status, logged", &lambdahttp.Error{Status: 503, Message: "try later", Err: errors.New("pool exhausted")}, 503, "try later", "", "pool exhausted"},
	{"wrapped *Error", errorsJoin(&lambdahttp.Error{Status: 422, Message: "bad"}), 422, "bad", "", ""},
	{"out-of-range status is a 500", &lambdahttp.Error{Status: 302, Message: "moved"}, 500, "Internal Server Error", "", "302 moved"},
	{"any other error is a logged 500, its text hidden", errors.New("db password is hunter2"), 500, "Internal Server Error", "", "hunter2"},
	{"panic is a logged 500", nil, 500, "Internal Server Error", "", "boom"},
}

func errorsJoin(err error) error { return errors.Join(errors.New("context"), err) }

type noInput struct{}

// TestErrorsAlikeInEveryFrontEnd ends a handler with each error case
// behind the Router (HandlerFunc and JSONRoute), the ServeMux's typed
// route (HandleJSON) behind a Bridge, and, for a panic, a plain
// http.Handler behind a Bridge: each gives the same answer and logs
// through the logger the front-end was given, with the request id.
func TestErrorsAlikeInEveryFrontEnd(t *testing.T) {
	for _, c := range errorCases {
		fail := func() error {
			if c.err == nil {
				panic("boom")
			}
			return c.err
		}
		var logs bytes.Buffer
		log := slog.New(slog.NewJSONHandler(&logs, nil))
		rt, err := lambdahttp.NewRouter(&lambdahttp.Options{Logger: log},
			lambdahttp.Route{Key: route.MustParse("GET /plain"), Handler: func(context.Context, *lambdahttp.Request) (*lambdahttp.Response, error) { return nil, fail() }},
			lambdahttp.JSONRoute("GET /typed", func(context.Context, *lambdahttp.Request, noInput) (string, error) { return "", fail() }))
		if err != nil {
			t.Fatal(err)
		}
		mux := lambdahttp.NewServeMux()
		lambdahttp.HandleJSON(mux, "GET /typed", func(*http.Request, noInput) (string, error) { return "", fail() })
		frontEnds := map[string]struct {
			h    lambda.Handler
			path string
		}{
			"Router":     {rt, "/plain"},
			"JSONRoute":  {rt, "/typed"},
			"HandleJSON": {lambdahttp.NewBridge(mux, &lambdahttp.BridgeOptions{Logger: log}), "/typed"},
		}
		if c.err == nil {
			frontEnds["Bridge"] = struct {
				h    lambda.Handler
				path string
			}{lambdahttp.NewBridge(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { fail() }), &lambdahttp.BridgeOptions{Logger: log}), "/any"}
		}
		for name, fe := range frontEnds {
			t.Run(c.name+"/"+name, func(t *testing.T) {
				logs.Reset()
				gw := &lambdahttptest.Gateway{Handler: fe.h, Routes: nil}
				if name == "Bridge" {
					gw.Routes = []route.Key{route.Default()}
				}
				resp, err := gw.Do(httptest.NewRequest("GET", fe.path, nil))
				if err != nil {
					t.Fatal(err)
				}
				id := resp.Header.Get("Apigw-Requestid")
				body, _ := io.ReadAll(resp.Body)
				var got struct{ Message, Field, RequestID string }
				if err := json.Unmarshal(body, &got); err != nil {
					t.Fatalf("body %s: %v", body, err)
				}
				if resp.StatusCode != c.status || got.Message != c.message || got.Field != c.field || got.RequestID != id {
					t.Errorf("got %d %s, want %d message %q field %q requestId %q", resp.StatusCode, body, c.status, c.message, c.field, id)
				}
				var errorLines []string
				for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
					var rec map[string]any
					if json.Unmarshal([]byte(line), &rec) == nil && rec["level"] == "ERROR" && rec["msg"] != "request" {
						errorLines = append(errorLines, line)
						if rec["requestId"] != id {
							t.Errorf("log line without the request id %q: %s", id, line)
						}
					}
				}
				switch {
				case c.logged == "" && len(errorLines) > 0:
					t.Errorf("a client error was logged: %q", errorLines)
				case c.logged != "" && (len(errorLines) != 1 || !strings.Contains(errorLines[0], c.logged)):
					t.Errorf("log lines %q, want one that says %q", errorLines, c.logged)
				}
			})
		}
	}
}

// TestJSONThatDoesNotEncode: a JSON response whose value does not encode
// is answered as any handler error is, a logged 500 with the request id,
// by the Router and by a typed route.
func TestJSONThatDoesNotEncode(t *testing.T) {
	var logs bytes.Buffer
	rt, err := lambdahttp.NewRouter(&lambdahttp.Options{Logger: slog.New(slog.NewJSONHandler(&logs, nil))},
		lambdahttp.Route{Key: route.MustParse("GET /plain"), Handler: func(context.Context, *lambdahttp.Request) (*lambdahttp.Response, error) {
			return lambdahttp.JSON(200, map[string]any{"c": make(chan int)}), nil
		}},
		lambdahttp.JSONRoute("GET /typed", func(context.Context, *lambdahttp.Request, noInput) (any, error) { return func() {}, nil }))
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/plain", "/typed"} {
		logs.Reset()
		resp, err := (&lambdahttptest.Gateway{Handler: rt}).Do(httptest.NewRequest("GET", path, nil))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		id := resp.Header.Get("Apigw-Requestid")
		if want := `{"message":"Internal Server Error","requestId":"` + id + `"}`; resp.StatusCode != 500 || string(body) != want {
			t.Errorf("%s: %d %s, want 500 %s", path, resp.StatusCode, body, want)
		}
		if !strings.Contains(logs.String(), "does not encode as JSON") || !strings.Contains(logs.String(), id) {
			t.Errorf("%s: log %q", path, logs.String())
		}
	}
}
