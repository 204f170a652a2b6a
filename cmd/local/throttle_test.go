package main

import (
	"testing"
	"time"

	"github.com/httpapi-cdk/httpapi/internal/localtest"
)

// The command throttles as the template says, and -throttle=false turns
// that off: with a burst of 1 and a rate too slow to refill during the
// test, the second request is a 429, or, unthrottled, a 200.
func TestThrottleFlag(t *testing.T) {
	t.Parallel() // each emulator has a port of its own
	template := fixtureWith(t, "AWS::ApiGatewayV2::Stage", func(props map[string]any) {
		props["DefaultRouteSettings"] = map[string]any{"ThrottlingRateLimit": 0.001, "ThrottlingBurstLimit": 1}
	})
	for _, tc := range []struct {
		name   string
		flags  []string
		second int
	}{
		{"default", nil, 429},
		{"off", []string{"-throttle=false"}, 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			stderr := startEmulator(t, "", nil, append([]string{"-template", template, "-api", "V2", "-port", "0", "-pin=false"}, tc.flags...)...)
			addr := waitOutput(t, stderr, 2*time.Minute, listening)[1]
			if status, body := localtest.Get(t, "http://"+addr+"/echo/1"); status != 200 {
				t.Fatalf("first request: %d %.200s", status, body)
			}
			status, body := localtest.Get(t, "http://"+addr+"/echo/1")
			if status != tc.second || tc.second == 429 && body != `{"message":"Too Many Requests"}` {
				t.Errorf("second request: %d %.200s, want %d", status, body, tc.second)
			}
		})
	}
}
