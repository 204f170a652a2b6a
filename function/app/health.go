// The health-check routes of the reference function, served by a second function.

package app

import (
	"context"
	"net/http"

	"github.com/httpapi-cdk/httpapi/lambdahttp"
	"github.com/httpapi-cdk/httpapi/route"
)

// healthRoutes is the health function's route table: a second function
// behind the same API, with routes of its own.
var healthRoutes = []lambdahttp.Route{
	{Key: route.MustParse("GET /health"), Handler: health},
}

// HealthRoutes returns the route keys the health function serves.
func HealthRoutes() []route.Key { return keysOf(healthRoutes) }

// HealthRouter returns the health function's router.
func HealthRouter(opts *lambdahttp.Options) *lambdahttp.Router { return mustRouter(opts, healthRoutes) }

func health(_ context.Context, r *lambdahttp.Request) (*lambdahttp.Response, error) {
	return lambdahttp.JSON(http.StatusOK, map[string]string{"status": "ok", "payloadFormat": r.Version}), nil
}
