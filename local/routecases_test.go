package local

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/httpapi-cdk/httpapi/internal/localtest"
	"github.com/httpapi-cdk/httpapi/internal/routecases"
	"github.com/httpapi-cdk/httpapi/lambdahttp"
	"github.com/httpapi-cdk/httpapi/route"
)

// TestRoutingCases runs the one table of routing cases (lambdahttp's
// TestRoutingCases runs it too) through the emulator: an API with the
// case's routes, served in process by a lambdahttp Router over the
// function's routes, whose handlers name their route.
func TestRoutingCases(t *testing.T) {
	for _, c := range routecases.Cases {
		t.Run(c.Name, func(t *testing.T) {
			var routes []lambdahttp.Route
			for _, s := range c.Routes {
				k := route.MustParse(s)
				routes = append(routes, lambdahttp.Route{Key: k, Handler: func(context.Context, *lambdahttp.Request) (*lambdahttp.Response, error) {
					return lambdahttp.Text(200, "ok").SetHeader("X-Route", k.String()), nil
				}})
			}
			rt, err := lambdahttp.NewRouter(&lambdahttp.Options{Logger: slog.New(slog.DiscardHandler)}, routes...)
			if err != nil {
				t.Fatal(err)
			}
			tp := localtest.EchoStack("test")
			tp.Routes = c.DeployedRoutes()
			api := loadAPI(t, tp.JSON())
			srv, err := New(context.Background(), api, &Options{Handlers: map[string]lambda.Handler{localtest.EchoPackage: rt}, Log: io.Discard, AccessLog: io.Discard})
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			req := httptest.NewRequest(c.Method, c.Path, nil)
			if c.Preflight {
				req.Header.Set("Origin", "https://app.example")
				req.Header.Set("Access-Control-Request-Method", "PUT")
			}
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, req)
			gotRoute, status, allow := rec.Header().Get("X-Route"), rec.Code, rec.Header().Get("Allow")
			ok := gotRoute == c.Route && status == 200
			if c.Route == "" {
				ok = gotRoute == "" && status == c.Status && allow == c.Allow
			}
			if !ok {
				t.Errorf("route %q, status %d, Allow %q; want route %q status %d Allow %q", gotRoute, status, allow, c.Route, c.Status, c.Allow)
			}
			if status >= 400 && c.Method != "HEAD" && !strings.Contains(rec.Body.String(), `"message"`) {
				t.Errorf("error body %q", rec.Body.String())
			}
		})
	}
}
