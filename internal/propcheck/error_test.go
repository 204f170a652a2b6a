package propcheck

import (
	"errors"
	"testing"
)

// TestIn: a nested validator's error gets the path of the field holding
// its props in front, however deep, and the package name once.
func TestIn(t *testing.T) {
	inner := errors.New(`route key "GET /a/": path must not end with "/"`)
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"field of a field", In("Throttle", Errorf("RateLimit", " NaN is not a number")), "Throttle.RateLimit NaN is not a number"},
		{"the field itself", In("Throttle", Errorf("", " needs both")), "Throttle needs both"},
		{"map entry", In(Join("RouteOverrides", Key("GET /a")), In("Throttle", Errorf("", " needs both"))), `RouteOverrides["GET /a"].Throttle needs both`},
		{"slice element", In(Join("Stages", Index(1)), Errorf(Join("Variables", Key("x")), ` "a b" is not allowed`)), `Stages[1].Variables["x"] "a b" is not allowed`},
		{"colon text", In("Cors", Errorf("AllowMethods", `: method "get" is not one of *`)), `Cors.AllowMethods: method "get" is not one of *`},
		{"plain error", In("Routes", inner), `Routes: route key "GET /a/": path must not end with "/"`},
		{"no path", Errorf("", "function f has a timeout"), "function f has a timeout"},
		{"prefixed once", Prefix("httpapi", In("DomainOptions", In("IPAddressType", Errorf("", ` "x" is not`)))), `httpapi: DomainOptions.IPAddressType "x" is not`},
	} {
		if got := tc.err.Error(); got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
		}
	}
	if In("Throttle", nil) != nil || Prefix("httpapi", nil) != nil {
		t.Error("In or Prefix of nil is not nil")
	}
	if !errors.Is(Prefix("httpapi", In("Stages", In("Routes", inner))), inner) {
		t.Error("the wrapped error is lost")
	}
}
