package lambdahttp_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/httpapi-cdk/httpapi/internal/routecases"
	"github.com/httpapi-cdk/httpapi/lambdahttp"
	"github.com/httpapi-cdk/httpapi/lambdahttp/lambdahttptest"
	"github.com/httpapi-cdk/httpapi/route"
)

// outcome is what a client sees of a routing case: the route whose
// handler answered (its X-Route header), or the status and Allow header.
type outcome struct {
	route  string
	status int
	allow  string
}

func (o outcome) matches(c *routecases.Case) bool {
	if c.Route != "" {
		return o.route == c.Route && o.status == 200
	}
	return o.route == "" && o.status == c.Status && o.allow == c.Allow
}

func keys(t *testing.T, ss []string) []route.Key {
	t.Helper()
	out := make([]route.Key, len(ss))
	for i, s := range ss {
		k, err := route.Parse(s)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = k
	}
	return out
}

func caseRequest(c *routecases.Case) *http.Request {
	req := httptest.NewRequest(c.Method, c.Path, nil)
	if c.Preflight {
		req.Header.Set("Origin", "https://app.example")
		req.Header.Set("Access-Control-Request-Method", "PUT")
	}
	return req
}

// TestRoutingCases runs the one table of routing cases against the
// Router and the ServeMux, each behind lambdahttptest's Gateway with the
// case's API routes, and, where the API sends everything to the function,
// against the ServeMux as a plain net/http server. local's
// TestRoutingCases runs the same table against the emulator.
func TestRoutingCases(t *testing.T) {
	for _, c := range routecases.Cases {
		t.Run(c.Name, func(t *testing.T) {
			fn := keys(t, c.Routes)
			var routes []lambdahttp.Route
			mux := lambdahttp.NewServeMux()
			for _, k := range fn {
				routes = append(routes, lambdahttp.Route{Key: k, Handler: func(context.Context, *lambdahttp.Request) (*lambdahttp.Response, error) {
					return lambdahttp.Text(200, "ok").SetHeader("X-Route", k.String()), nil
				}})
				mux.HandleRoute(k, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.Header().Set("X-Route", k.String()) }))
			}
			rt, err := lambdahttp.NewRouter(&lambdahttp.Options{Logger: slog.New(slog.DiscardHandler)}, routes...)
			if err != nil {
				t.Fatal(err)
			}
			deployed := keys(t, c.DeployedRoutes())
			for name, h := range map[string]http.Handler{"Router": nil, "ServeMux": mux} {
				gw := &lambdahttptest.Gateway{Handler: rt, Routes: deployed}
				if h != nil {
					gw.Handler = mux
				}
				resp, err := gw.Do(caseRequest(&c))
				if err != nil {
					t.Fatal(err)
				}
				got := outcome{resp.Header.Get("X-Route"), resp.StatusCode, resp.Header.Get("Allow")}
				if !got.matches(&c) {
					t.Errorf("%s behind the Gateway: %+v, want route %q status %d Allow %q", name, got, c.Route, c.Status, c.Allow)
				}
			}
			if slices.Equal(c.DeployedRoutes(), routecases.CatchAll) {
				rec := httptest.NewRecorder()
				mux.ServeHTTP(rec, caseRequest(&c))
				got := outcome{rec.Header().Get("X-Route"), rec.Code, rec.Header().Get("Allow")}
				if !got.matches(&c) {
					t.Errorf("ServeMux as a plain server: %+v, want route %q status %d Allow %q", got, c.Route, c.Status, c.Allow)
				}
			}
		})
	}
}
