// The invalid props of constructs/httpapi/alarms.go: each case refused with its exact message.

package test

import (
	"math"
	"testing"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/httpapi-cdk/httpapi/constructs/httpapi"
)

// TestInvalidAlarmOptions: alarm options that AddAlarms refuses.
func TestInvalidAlarmOptions(t *testing.T) {
	testRefusals(t, []refusal{
		{"alarm rate above 1", func(s awscdk.Stack) {
			newAPI(s, httpapi.RouteOptions{}).AddAlarms("A", &httpapi.AlarmOptions{ServerErrorRate: 5})
		}, "httpapi: AlarmOptions.ServerErrorRate 5 is out of range: use a share above 0 and at most 1"},
		{"alarm period", func(s awscdk.Stack) {
			newAPI(s, httpapi.RouteOptions{}).AddAlarms("A", &httpapi.AlarmOptions{Period: 90 * time.Second})
		}, "httpapi: AlarmOptions.Period 1m30s is not allowed: use whole minutes from 1m to 24h"},
		{"NaN alarm rate", func(s awscdk.Stack) {
			newAPI(s, httpapi.RouteOptions{}).AddAlarms("A", &httpapi.AlarmOptions{ClientErrorRate: math.NaN()})
		}, "httpapi: AlarmOptions.ClientErrorRate NaN is out of range: use a share above 0 and at most 1"},
		{"infinite duration ratio", func(s awscdk.Stack) {
			newAPI(s, httpapi.RouteOptions{}).AddAlarms("A", &httpapi.AlarmOptions{DurationRatio: math.Inf(1)})
		}, "httpapi: AlarmOptions.DurationRatio +Inf is out of range: use a share above 0 and at most 1"},
	})
}
