package local

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/httpapi-cdk/httpapi/internal/localtest"
	"github.com/httpapi-cdk/httpapi/quota"
)

// TestRequestEvent: the event of a request, with the stage and route the
// gateway would pick, and an error where API Gateway would answer
// without invoking the function.
func TestRequestEvent(t *testing.T) {
	tp := localtest.EchoStack("test")
	tp.Routes = []string{"GET /items/{id}"}
	api := loadAPI(t, tp.JSON())
	event, rt, err := api.RequestEvent(httptest.NewRequest("GET", "/items/7?x=1", nil), "")
	if err != nil {
		t.Fatal(err)
	}
	var ev struct {
		RouteKey       string
		PathParameters map[string]string
		RequestContext struct{ Stage string }
	}
	if err := json.Unmarshal(event, &ev); err != nil || ev.RouteKey != "GET /items/{id}" || ev.PathParameters["id"] != "7" || ev.RequestContext.Stage != "$default" || rt.Key.String() != "GET /items/{id}" {
		t.Errorf("event %s (%v), route %v", event, err, rt.Key)
	}
	big := httptest.NewRequest("GET", "/items/7", nil)
	big.Header.Set("X-Big", strings.Repeat("a", quota.RequestLineAndHeadersBytes))
	for name, tc := range map[string]struct {
		method, target, body string
		header               bool
		want                 string
	}{
		"no route":        {"POST", "/items/7", "", false, "no route"},
		"head too large":  {"GET", "/items/7", "", true, "413"},
		"body too large":  {"GET", "/items/7", strings.Repeat("b", MaxRequestBytes+1), false, "413"},
		"event too large": {"GET", "/items/7", strings.Repeat("b", quota.PayloadBytes-100), false, "413"},
	} {
		req := httptest.NewRequest(tc.method, tc.target, strings.NewReader(tc.body))
		if tc.header {
			req = big
		}
		if _, _, err := api.RequestEvent(req, ""); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error that says %q", name, err, tc.want)
		}
	}
}
