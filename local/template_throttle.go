// The template's throttles: a stage's DefaultRouteSettings and RouteSettings as the model's Throttle.

package local

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"

	"github.com/httpapi-cdk/httpapi/quota"
	"github.com/httpapi-cdk/httpapi/route"
)

// routeSettings is the throttling part of a stage's DefaultRouteSettings
// or of one of its RouteSettings. A value is a number, or a string or an
// intrinsic function that resolves to one; nil when not set.
type routeSettings struct {
	ThrottlingRateLimit  any `json:"ThrottlingRateLimit"`
	ThrottlingBurstLimit any `json:"ThrottlingBurstLimit"`
}

// accountThrottle is the account's throttle: what a route without one of
// its own, or a setting left out, falls back to.
var accountThrottle = Throttle{RateLimit: quota.AccountThrottleRate, BurstLimit: quota.AccountThrottleBurst}

// stageThrottles sets the throttles of stage st, resource rid, from its
// route settings (docs/api-gateway-behavior.md R-THR-1). A setting that
// leaves the rate or the burst out takes it from the stage's default,
// else from the account's. What cannot be read is a problem, and the
// setting is not enforced.
func (t *template) stageThrottles(rid string, def *routeSettings, routes map[string]routeSettings, st *Stage, problem func(string, string, ...any)) {
	base := accountThrottle
	if def != nil {
		if th, set, err := t.throttle(*def, base); err != nil {
			problem(rid, "stage %s: DefaultRouteSettings: %v; its routes are throttled by the account's limits only", st.Name, err)
		} else if set {
			st.Throttle = &th
			base = th
		}
	}
	for _, k := range slices.Sorted(maps.Keys(routes)) {
		key, err := route.Parse(k)
		if err != nil {
			problem(rid, "stage %s: RouteSettings %q: %v; not enforced", st.Name, k, err)
			continue
		}
		th, set, err := t.throttle(routes[k], base)
		if err != nil {
			problem(rid, "stage %s: RouteSettings %q: %v; not enforced", st.Name, k, err)
			continue
		}
		if !set {
			continue // only other settings, such as DetailedMetricsEnabled
		}
		if st.RouteThrottles == nil {
			st.RouteThrottles = map[route.Key]Throttle{}
		}
		st.RouteThrottles[key] = th
	}
}

// throttle returns the throttle rs sets, each limit it leaves out taken
// from base, and whether it sets either.
func (t *template) throttle(rs routeSettings, base Throttle) (Throttle, bool, error) {
	th := base
	if rs.ThrottlingRateLimit != nil {
		rate, err := t.number(rs.ThrottlingRateLimit)
		if err != nil {
			return th, false, fmt.Errorf("ThrottlingRateLimit: %w", err)
		}
		th.RateLimit = rate
	}
	if rs.ThrottlingBurstLimit != nil {
		burst, err := t.number(rs.ThrottlingBurstLimit)
		if err != nil {
			return th, false, fmt.Errorf("ThrottlingBurstLimit: %w", err)
		}
		if burst != math.Trunc(burst) || burst > math.MaxInt32 {
			return th, false, fmt.Errorf("ThrottlingBurstLimit: %v is not a whole number of requests", burst)
		}
		th.BurstLimit = int(burst)
	}
	return th, rs.ThrottlingRateLimit != nil || rs.ThrottlingBurstLimit != nil, nil
}

// number resolves a numeric property: a JSON number, or a string or an
// intrinsic function that resolves to one. It must be finite and not
// negative.
func (t *template) number(v any) (float64, error) {
	n, ok := v.(float64)
	if !ok {
		s, err := t.resolve(v)
		if err != nil {
			return 0, err
		}
		if n, err = strconv.ParseFloat(s, 64); err != nil {
			return 0, fmt.Errorf("%q is not a number", s)
		}
	}
	if n < 0 || math.IsInf(n, 0) || math.IsNaN(n) {
		return 0, fmt.Errorf("%v is not a number of requests", n)
	}
	return n, nil
}
