package httpapi

import (
	"fmt"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatchactions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/httpapi-cdk/httpapi/quota"
)

// AlarmOptions configure the alarms of [API.AddAlarms].
type AlarmOptions struct {
	// Topic is notified when an alarm fires and when it recovers.
	// Default: none.
	Topic awssns.ITopic
	// ServerErrorRate is the share of requests answered 5xx that fires
	// the alarm, from 0 to 1. Default: 0.01 (1 %).
	ServerErrorRate float64
	// ClientErrorRate is the share of requests answered 4xx that fires the
	// alarm, from 0 to 1. Default: 0.10 (10 %).
	ClientErrorRate float64
	// LatencyP99 is the API's p99 latency that fires the alarm.
	// Default: 2 s.
	LatencyP99 time.Duration
	// DurationRatio is the share of a function's timeout its p99 duration
	// may reach before the alarm fires, from 0 to 1. Default: 0.8.
	DurationRatio float64
	// Period is the window each alarm evaluates, from 1 min to 1 day in
	// whole minutes. Default: 5 min.
	Period time.Duration
	// Dashboard also creates a CloudWatch dashboard of the same metrics.
	// Default: false.
	Dashboard bool
}

// Alarms are CloudWatch alarms on an API and its functions.
type Alarms interface {
	constructs.Construct
	// Alarms returns every alarm created.
	Alarms() []awscloudwatch.Alarm
	// Dashboard returns the dashboard, or nil.
	Dashboard() awscloudwatch.Dashboard
}

type alarms struct {
	constructs.Construct
	alarms    []awscloudwatch.Alarm
	dashboard awscloudwatch.Dashboard
}

func (a *alarms) Alarms() []awscloudwatch.Alarm {
	return append([]awscloudwatch.Alarm(nil), a.alarms...)
}
func (a *alarms) Dashboard() awscloudwatch.Dashboard { return a.dashboard }

func (o *AlarmOptions) withDefaults() AlarmOptions {
	var out AlarmOptions
	if o != nil {
		out = *o
	}
	if out.ServerErrorRate == 0 {
		out.ServerErrorRate = 0.01
	}
	if out.ClientErrorRate == 0 {
		out.ClientErrorRate = 0.10
	}
	if out.LatencyP99 == 0 {
		out.LatencyP99 = 2 * time.Second
	}
	if out.DurationRatio == 0 {
		out.DurationRatio = 0.8
	}
	if out.Period == 0 {
		out.Period = 5 * time.Minute
	}
	return out
}

func (o *AlarmOptions) validate() error {
	for name, v := range map[string]float64{"ServerErrorRate": o.ServerErrorRate, "ClientErrorRate": o.ClientErrorRate, "DurationRatio": o.DurationRatio} {
		if v <= 0 || v > 1 {
			return fmt.Errorf("httpapi: AlarmOptions.%s %v is out of range: use a share above 0 and at most 1", name, v)
		}
	}
	if o.LatencyP99 <= 0 || o.LatencyP99 > quota.MaxIntegrationTimeout {
		return fmt.Errorf("httpapi: AlarmOptions.LatencyP99 %s is out of range: use up to 30s", o.LatencyP99)
	}
	if o.Period < time.Minute || o.Period > 24*time.Hour || o.Period%time.Minute != 0 {
		return fmt.Errorf("httpapi: AlarmOptions.Period %s is not allowed: use whole minutes from 1m to 24h", o.Period)
	}
	return nil
}

// AddAlarms creates, for the API: 5xx rate, 4xx rate and p99 latency
// alarms; for each function behind it at the time of the call: errors,
// throttles, and p99 duration near its timeout. Missing data is not
// breaching, so an idle API stays OK.
func (a *api) AddAlarms(id string, opts *AlarmOptions) Alarms {
	o := opts.withDefaults()
	if err := o.validate(); err != nil {
		panic(err)
	}
	al := &alarms{}
	constructs.NewConstruct_Override(al, a, &id)
	period := awscdk.Duration_Seconds(jsii.Number(o.Period.Seconds()))
	sum := &awscloudwatch.MetricOptions{Period: period, Statistic: jsii.String("Sum")}
	requests := a.httpApi.MetricCount(sum)
	add := func(id, description string, metric awscloudwatch.IMetric, threshold float64) {
		alarm := awscloudwatch.NewAlarm(al, jsii.String(id), &awscloudwatch.AlarmProps{
			Metric:             metric,
			AlarmDescription:   jsii.String(description),
			Threshold:          jsii.Number(threshold),
			EvaluationPeriods:  jsii.Number(1),
			ComparisonOperator: awscloudwatch.ComparisonOperator_GREATER_THAN_THRESHOLD,
			TreatMissingData:   awscloudwatch.TreatMissingData_NOT_BREACHING,
		})
		if o.Topic != nil {
			action := awscloudwatchactions.NewSnsAction(o.Topic)
			alarm.AddAlarmAction(action)
			alarm.AddOkAction(action)
		}
		al.alarms = append(al.alarms, alarm)
	}
	rate := func(label string, errors awscloudwatch.IMetric) awscloudwatch.IMetric {
		return awscloudwatch.NewMathExpression(&awscloudwatch.MathExpressionProps{
			Expression:   jsii.String("IF(requests > 0, errors / requests, 0)"),
			UsingMetrics: &map[string]awscloudwatch.IMetric{"errors": errors, "requests": requests},
			Period:       period,
			Label:        jsii.String(label),
		})
	}
	add("ServerErrorRate", fmt.Sprintf("More than %.1f%% of requests answered 5xx", o.ServerErrorRate*100),
		rate("5xx rate", a.httpApi.MetricServerError(sum)), o.ServerErrorRate)
	add("ClientErrorRate", fmt.Sprintf("More than %.1f%% of requests answered 4xx", o.ClientErrorRate*100),
		rate("4xx rate", a.httpApi.MetricClientError(sum)), o.ClientErrorRate)
	latency := a.httpApi.MetricLatency(&awscloudwatch.MetricOptions{Period: period, Statistic: jsii.String("p99")})
	add("LatencyP99", fmt.Sprintf("p99 latency above %s", o.LatencyP99), latency, float64(o.LatencyP99.Milliseconds()))

	var fnErrors, fnDurations []awscloudwatch.IMetric
	for i, fn := range a.table.functions {
		n := fmt.Sprintf("Function%d", i+1)
		errs := fn.MetricErrors(sum)
		add(n+"Errors", "Errors of "+*fn.Node().Path(), errs, 0)
		add(n+"Throttles", "Throttled invocations of "+*fn.Node().Path(), fn.MetricThrottles(sum), 0)
		duration := fn.MetricDuration(&awscloudwatch.MetricOptions{Period: period, Statistic: jsii.String("p99")})
		if t := functionTimeout(fn); t > 0 {
			add(n+"DurationNearTimeout", fmt.Sprintf("p99 duration of %s above %.0f%% of its %s timeout", *fn.Node().Path(), o.DurationRatio*100, t),
				duration, o.DurationRatio*float64(t.Milliseconds()))
		}
		fnErrors, fnDurations = append(fnErrors, errs), append(fnDurations, duration)
	}

	if o.Dashboard {
		al.dashboard = awscloudwatch.NewDashboard(al, jsii.String("Dashboard"), nil)
		graph := func(title string, left ...awscloudwatch.IMetric) awscloudwatch.IWidget {
			return awscloudwatch.NewGraphWidget(&awscloudwatch.GraphWidgetProps{Title: jsii.String(title), Left: &left, Width: jsii.Number(12)})
		}
		al.dashboard.AddWidgets(
			graph("Requests and errors", requests, a.httpApi.MetricServerError(sum), a.httpApi.MetricClientError(sum)),
			graph("API latency p99 (ms)", latency),
		)
		if len(fnErrors) > 0 {
			al.dashboard.AddWidgets(graph("Function errors", fnErrors...), graph("Function duration p99 (ms)", fnDurations...))
		}
	}
	return al
}
