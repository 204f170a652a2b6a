// CloudWatch alarms and a dashboard on an API and its functions (AddAlarms).

package httpapi

import (
	"fmt"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatchactions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/httpapi-cdk/httpapi/internal/propcheck"
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
	// Alarms returns every alarm created. The alarms of functions added to
	// the API after AddAlarms are created at synthesis.
	Alarms() []awscloudwatch.Alarm
	// Dashboard returns the dashboard, or nil.
	Dashboard() awscloudwatch.Dashboard
}

type alarms struct {
	constructs.Construct
	opts      AlarmOptions
	alarms    []awscloudwatch.Alarm
	dashboard awscloudwatch.Dashboard
	// period is opts.Period; sum and p99 are the options of the alarms'
	// metrics: made once by AddAlarms and shared by every metric.
	period   awscdk.Duration
	sum, p99 *awscloudwatch.MetricOptions
	// fnErrors and fnDurations are the dashboard's function graphs, nil
	// until the first function.
	fnErrors, fnDurations awscloudwatch.GraphWidget
	covered               int // functions of the API with alarms, a prefix of its Functions()
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
	for _, f := range []struct {
		name string
		v    float64
	}{{"ServerErrorRate", o.ServerErrorRate}, {"ClientErrorRate", o.ClientErrorRate}, {"DurationRatio", o.DurationRatio}} {
		if !(f.v > 0 && f.v <= 1) { // also refuses NaN
			return propcheck.Errorf(f.name, " %v is out of range: use a share above 0 and at most 1", f.v)
		}
	}
	if o.LatencyP99 <= 0 || o.LatencyP99 > quota.MaxIntegrationTimeout {
		return propcheck.Errorf("LatencyP99", " %s is out of range: use up to %s", o.LatencyP99, propcheck.Duration(quota.MaxIntegrationTimeout))
	}
	if o.Period < time.Minute || o.Period > 24*time.Hour || o.Period%time.Minute != 0 {
		return propcheck.Errorf("Period", " %s is not allowed: use whole minutes from 1m to 24h", o.Period)
	}
	return nil
}

// AddAlarms creates, for the API: 5xx rate, 4xx rate and p99 latency
// alarms; for each function behind it: errors, throttles, and p99 duration
// near its timeout. Functions added with AddRoutes after AddAlarms get their
// alarms at synthesis. Missing data is not breaching, so an idle API stays
// OK. Without a Topic the alarms notify no one: synthesis warns
// (httpapi:AlarmsWithoutAction).
func (a *api) AddAlarms(id string, opts *AlarmOptions) Alarms {
	o := opts.withDefaults()
	panicInvalid(propcheck.In("AlarmOptions", o.validate()))
	period := awscdk.Duration_Seconds(jsii.Number(o.Period.Seconds()))
	al := &alarms{
		opts:   o,
		period: period,
		sum:    &awscloudwatch.MetricOptions{Period: period, Statistic: jsii.String("Sum")},
		p99:    &awscloudwatch.MetricOptions{Period: period, Statistic: jsii.String("p99")},
	}
	constructs.NewConstruct_Override(al, a, &id)
	if o.Topic == nil {
		awscdk.Annotations_Of(al).AddWarningV2(jsii.String("httpapi:AlarmsWithoutAction"), jsii.String(
			"httpapi: AlarmOptions.Topic is not set: the alarms change state but notify no one; set a Topic, or add actions to Alarms()"))
	}
	sum := al.sum
	requests := a.httpApi.MetricCount(sum)
	rate := func(label string, errors awscloudwatch.IMetric) awscloudwatch.IMetric {
		return awscloudwatch.NewMathExpression(&awscloudwatch.MathExpressionProps{
			Expression:   jsii.String("IF(requests > 0, errors / requests, 0)"),
			UsingMetrics: &map[string]awscloudwatch.IMetric{"errors": errors, "requests": requests},
			Period:       al.period,
			Label:        jsii.String(label),
		})
	}
	al.add("ServerErrorRate", fmt.Sprintf("More than %.1f%% of requests answered 5xx", o.ServerErrorRate*100),
		rate("5xx rate", a.httpApi.MetricServerError(sum)), o.ServerErrorRate)
	al.add("ClientErrorRate", fmt.Sprintf("More than %.1f%% of requests answered 4xx", o.ClientErrorRate*100),
		rate("4xx rate", a.httpApi.MetricClientError(sum)), o.ClientErrorRate)
	latency := a.httpApi.MetricLatency(al.p99)
	al.add("LatencyP99", fmt.Sprintf("p99 latency above %s", o.LatencyP99), latency, float64(o.LatencyP99.Milliseconds()))

	if o.Dashboard {
		al.dashboard = awscloudwatch.NewDashboard(al, jsii.String("Dashboard"), nil)
		al.dashboard.AddWidgets(
			graph("Requests and errors", requests, a.httpApi.MetricServerError(sum), a.httpApi.MetricClientError(sum)),
			graph("API latency p99 (ms)", latency),
		)
	}
	al.coverFunctions(a.table.functions)
	a.table.atSynthesis = append(a.table.atSynthesis, func() { al.coverFunctions(a.table.functions) })
	return al
}

// add creates an alarm that fires above threshold and notifies the topic.
func (al *alarms) add(id, description string, metric awscloudwatch.IMetric, threshold float64) {
	alarm := awscloudwatch.NewAlarm(al, jsii.String(id), &awscloudwatch.AlarmProps{
		Metric:             metric,
		AlarmDescription:   jsii.String(description),
		Threshold:          jsii.Number(threshold),
		EvaluationPeriods:  jsii.Number(1),
		ComparisonOperator: awscloudwatch.ComparisonOperator_GREATER_THAN_THRESHOLD,
		TreatMissingData:   awscloudwatch.TreatMissingData_NOT_BREACHING,
	})
	if al.opts.Topic != nil {
		action := awscloudwatchactions.NewSnsAction(al.opts.Topic)
		alarm.AddAlarmAction(action)
		alarm.AddOkAction(action)
	}
	al.alarms = append(al.alarms, alarm)
}

// coverFunctions creates the alarms, and the dashboard graphs, of the
// functions of fns that have none yet. fns only grows, so those are the
// ones past al.covered.
func (al *alarms) coverFunctions(fns []awslambda.IFunction) {
	for i := al.covered; i < len(fns); i++ {
		fn := fns[i]
		n := fmt.Sprintf("Function%d", i+1)
		errs := fn.MetricErrors(al.sum)
		al.add(n+"Errors", "Errors of "+*fn.Node().Path(), errs, 0)
		al.add(n+"Throttles", "Throttled invocations of "+*fn.Node().Path(), fn.MetricThrottles(al.sum), 0)
		duration := fn.MetricDuration(al.p99)
		if t := functionTimeout(fn); t > 0 {
			al.add(n+"DurationNearTimeout", fmt.Sprintf("p99 duration of %s above %.0f%% of its %s timeout", *fn.Node().Path(), al.opts.DurationRatio*100, t),
				duration, al.opts.DurationRatio*float64(t.Milliseconds()))
		}
		if al.dashboard == nil {
			continue
		}
		if al.fnErrors == nil {
			al.fnErrors, al.fnDurations = graph("Function errors"), graph("Function duration p99 (ms)")
			al.dashboard.AddWidgets(al.fnErrors, al.fnDurations)
		}
		al.fnErrors.AddLeftMetric(errs)
		al.fnDurations.AddLeftMetric(duration)
	}
	al.covered = len(fns)
}

// graph is a half-width dashboard graph of metrics on the left axis.
func graph(title string, left ...awscloudwatch.IMetric) awscloudwatch.GraphWidget {
	return awscloudwatch.NewGraphWidget(&awscloudwatch.GraphWidgetProps{Title: jsii.String(title), Left: &left, Width: jsii.Number(12)})
}
