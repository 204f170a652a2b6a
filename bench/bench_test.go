// Package bench compares the lambdahttp toolkit, per request, with the floor
// (decode the event, build the response, encode it, nothing else), with
// aws-lambda-go-api-proxy over a net/http mux doing the same work, and with
// lambdahttp's own net/http bridge (Bridge and ServeMux) over the same
// handlers. It is a
// module of its own so the proxy never becomes a dependency of the library.
//
//	go test -run '^$' -bench . -benchmem -count 6 | tee bench.out
//	awk -f ratios.awk bench.out
package bench

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"

	"github.com/httpapi-cdk/httpapi/function/app"
	"github.com/httpapi-cdk/httpapi/lambdahttp"
	"github.com/httpapi-cdk/httpapi/route"
)

// event returns a 2.0 event of about 1 KB shaped like a real capture.
func event(method, path, routeKey, body string) []byte {
	ev := events.APIGatewayV2HTTPRequest{
		Version: "2.0", RouteKey: routeKey, RawPath: path, RawQueryString: "",
		Headers: map[string]string{
			"accept": "application/json", "accept-encoding": "identity", "content-length": "0",
			"content-type": "application/json", "host": "r3pmxmplak.execute-api.us-east-1.amazonaws.com",
			"user-agent":      "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36",
			"x-amzn-trace-id": "Root=1-5e6722a7-cc56xmpl46db7ae02d4da47e", "x-forwarded-for": "203.0.113.17",
			"x-forwarded-port": "443", "x-forwarded-proto": "https",
		},
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			AccountID: "123456789012", APIID: "r3pmxmplak", DomainName: "r3pmxmplak.execute-api.us-east-1.amazonaws.com",
			DomainPrefix: "r3pmxmplak", RequestID: "JKJaXmPLvHcESHA=", RouteKey: routeKey, Stage: "$default",
			Time: "10/Mar/2020:05:16:23 +0000", TimeEpoch: 1583817383220,
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{
				Method: method, Path: path, Protocol: "HTTP/1.1", SourceIP: "203.0.113.17",
				UserAgent: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36",
			},
		},
		Body: body,
	}
	b, err := json.Marshal(ev)
	if err != nil {
		panic(err)
	}
	return b
}

var (
	getEvent  = event("GET", "/hello", "GET /hello", "")
	postEvent = event("POST", "/echo", "POST /echo", `{"message":"hello, benchmark","repeat":2}`)
)

type message struct {
	Message string `json:"message"`
}

// floorGet is the least a GET /hello function can do.
func floorGet(_ context.Context, ev events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	b, _ := json.Marshal(message{Message: "Hello, world!"})
	return events.APIGatewayV2HTTPResponse{StatusCode: 200, Headers: map[string]string{"Content-Type": "application/json"}, Body: string(b)}, nil
}

// floorPost is the least a POST /echo function can do: decode, validate, answer.
func floorPost(_ context.Context, ev events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	var in app.EchoRequest
	if err := json.Unmarshal([]byte(ev.Body), &in); err != nil || in.Message == "" || in.Repeat < 0 || in.Repeat > 10 {
		return events.APIGatewayV2HTTPResponse{StatusCode: 400}, nil
	}
	msg := in.Message
	for i := 1; i < in.Repeat; i++ {
		msg += in.Message
	}
	b, _ := json.Marshal(app.EchoResponse{Message: msg, Length: len(msg)})
	return events.APIGatewayV2HTTPResponse{StatusCode: 200, Headers: map[string]string{"Content-Type": "application/json"}, Body: string(b)}, nil
}

// floorRaw runs a floor handler on raw bytes: decode, handle, encode.
func floorRaw(h func(context.Context, events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error)) func([]byte) []byte {
	return func(payload []byte) []byte {
		var ev events.APIGatewayV2HTTPRequest
		if err := json.Unmarshal(payload, &ev); err != nil {
			panic(err)
		}
		resp, _ := h(context.Background(), ev)
		out, _ := json.Marshal(resp)
		return out
	}
}

// handleFuncer is what http.ServeMux and lambdahttp.ServeMux have in common.
type handleFuncer interface {
	HandleFunc(pattern string, handler func(http.ResponseWriter, *http.Request))
}

// netHTTPRoutes registers the two routes as net/http handlers, the same for
// the proxy and the bridge.
func netHTTPRoutes(mux handleFuncer) {
	mux.HandleFunc("GET /hello", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(message{Message: "Hello, world!"})
	})
	mux.HandleFunc("POST /echo", func(w http.ResponseWriter, r *http.Request) {
		var in app.EchoRequest
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil || in.Message == "" || in.Repeat < 0 || in.Repeat > 10 {
			http.Error(w, "bad request", 400)
			return
		}
		msg := in.Message
		for i := 1; i < in.Repeat; i++ {
			msg += in.Message
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(app.EchoResponse{Message: msg, Length: len(msg)})
	})
}

// proxyMux serves the two routes with aws-lambda-go-api-proxy over an
// http.ServeMux.
func proxyMux() *httpadapter.HandlerAdapterV2 {
	mux := http.NewServeMux()
	netHTTPRoutes(mux)
	return httpadapter.NewV2(mux)
}

// bridge serves the two routes with lambdahttp's ServeMux through its
// Bridge, logging to a writer that discards.
func bridge() func([]byte) []byte {
	mux := lambdahttp.NewServeMux()
	netHTTPRoutes(mux)
	b := lambdahttp.NewBridge(mux, &lambdahttp.BridgeOptions{Logger: slog.New(slog.NewJSONHandler(discard{}, nil))})
	return func(p []byte) []byte { out, _ := b.Invoke(context.Background(), p); return out }
}

func proxyRaw(a *httpadapter.HandlerAdapterV2) func([]byte) []byte {
	return func(payload []byte) []byte {
		var ev events.APIGatewayV2HTTPRequest
		if err := json.Unmarshal(payload, &ev); err != nil {
			panic(err)
		}
		resp, err := a.ProxyWithContext(context.Background(), ev)
		if err != nil {
			panic(err)
		}
		out, _ := json.Marshal(resp)
		return out
	}
}

// untyped serves POST /echo with the toolkit and a hand-written handler,
// as the reference app did before its typed route: DecodeJSON and
// explicit checks. Against toolkit (the typed route) it prices the typed
// route's decoding and field-table checks.
func untyped() *lambdahttp.Router {
	rt, err := lambdahttp.NewRouter(&lambdahttp.Options{Logger: slog.New(slog.NewJSONHandler(discard{}, nil))}, lambdahttp.Route{
		Key: route.MustParse("POST /echo"),
		Handler: func(_ context.Context, r *lambdahttp.Request) (*lambdahttp.Response, error) {
			var in app.EchoRequest
			if err := r.DecodeJSON(&in); err != nil {
				return nil, err
			}
			if in.Message == "" {
				return nil, &lambdahttp.Error{Status: http.StatusUnprocessableEntity, Message: "message is required", Field: "message"}
			}
			if in.Repeat < 0 || in.Repeat > 10 {
				return nil, &lambdahttp.Error{Status: http.StatusUnprocessableEntity, Message: "repeat must be from 0 to 10", Field: "repeat"}
			}
			msg := in.Message
			if in.Repeat > 1 {
				msg = strings.Repeat(in.Message, in.Repeat)
			}
			return lambdahttp.JSON(http.StatusOK, app.EchoResponse{Message: msg, Length: utf8.RuneCountInString(msg)}), nil
		},
	})
	if err != nil {
		panic(err)
	}
	return rt
}

func toolkit() *lambdahttp.Router {
	return app.Router(&lambdahttp.Options{Logger: slog.New(slog.NewJSONHandler(discard{}, nil))})
}

// discard is io.Discard behind a Write method, so the logger really formats
// its line (slog.DiscardHandler would skip the work).
type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

func run(b *testing.B, payload []byte, f func([]byte) []byte) {
	if out := f(payload); len(out) == 0 {
		b.Fatal("empty response")
	}
	b.SetBytes(int64(len(payload)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		f(payload)
	}
}

func BenchmarkGet(b *testing.B) {
	rt := toolkit()
	b.Run("floor", func(b *testing.B) { run(b, getEvent, floorRaw(floorGet)) })
	b.Run("toolkit", func(b *testing.B) {
		run(b, getEvent, func(p []byte) []byte { out, _ := rt.Invoke(context.Background(), p); return out })
	})
	b.Run("proxy", func(b *testing.B) { run(b, getEvent, proxyRaw(proxyMux())) })
	b.Run("nethttp", func(b *testing.B) { run(b, getEvent, bridge()) })
}

func BenchmarkPost(b *testing.B) {
	rt := toolkit()
	b.Run("floor", func(b *testing.B) { run(b, postEvent, floorRaw(floorPost)) })
	b.Run("toolkit", func(b *testing.B) {
		run(b, postEvent, func(p []byte) []byte { out, _ := rt.Invoke(context.Background(), p); return out })
	})
	b.Run("proxy", func(b *testing.B) { run(b, postEvent, proxyRaw(proxyMux())) })
	b.Run("nethttp", func(b *testing.B) { run(b, postEvent, bridge()) })
	u := untyped()
	b.Run("untyped", func(b *testing.B) {
		run(b, postEvent, func(p []byte) []byte { out, _ := u.Invoke(context.Background(), p); return out })
	})
}

// BenchmarkLambdaHandler measures through lambda.NewHandler, what
// lambda.Start runs per request, for the floor (a typed handler function)
// and the toolkit (a lambda.Handler).
func BenchmarkLambdaHandler(b *testing.B) {
	viaLambda := func(h lambda.Handler) func([]byte) []byte {
		return func(p []byte) []byte {
			out, err := h.Invoke(context.Background(), p)
			if err != nil {
				panic(err)
			}
			return out
		}
	}
	b.Run("get/floor", func(b *testing.B) { run(b, getEvent, viaLambda(lambda.NewHandler(floorGet))) })
	b.Run("get/toolkit", func(b *testing.B) { run(b, getEvent, viaLambda(lambda.NewHandler(toolkit()))) })
	b.Run("post/floor", func(b *testing.B) { run(b, postEvent, viaLambda(lambda.NewHandler(floorPost))) })
	b.Run("post/toolkit", func(b *testing.B) { run(b, postEvent, viaLambda(lambda.NewHandler(toolkit()))) })
}

// TestSameAnswers keeps the comparison honest: all four produce the same
// status and body for each request.
func TestSameAnswers(t *testing.T) {
	rt := toolkit()
	for name, tc := range map[string]struct {
		payload []byte
		floor   func([]byte) []byte
	}{"get": {getEvent, floorRaw(floorGet)}, "post": {postEvent, floorRaw(floorPost)}} {
		outs := map[string][]byte{"floor": tc.floor(tc.payload), "proxy": proxyRaw(proxyMux())(tc.payload), "nethttp": bridge()(tc.payload)}
		outs["toolkit"], _ = rt.Invoke(context.Background(), tc.payload)
		if name == "post" {
			outs["untyped"], _ = untyped().Invoke(context.Background(), tc.payload)
		}
		var want events.APIGatewayV2HTTPResponse
		json.Unmarshal(outs["floor"], &want)
		for who, out := range outs {
			var got events.APIGatewayV2HTTPResponse
			json.Unmarshal(out, &got)
			if got.StatusCode != want.StatusCode || trimNewline(got.Body) != want.Body {
				t.Errorf("%s/%s: %d %q, floor %d %q", name, who, got.StatusCode, got.Body, want.StatusCode, want.Body)
			}
		}
	}
}

func trimNewline(s string) string {
	if len(s) > 0 && s[len(s)-1] == '\n' {
		return s[:len(s)-1]
	}
	return s
}
