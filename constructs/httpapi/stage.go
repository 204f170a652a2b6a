// Stages ($default and named), their variables and throttles, and the access logs they write.

package httpapi

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigateway"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/httpapi-cdk/httpapi/internal/propcheck"
	"github.com/httpapi-cdk/httpapi/quota"
)

// StageOptions configure a stage: a named stage (Props.Stages) or the
// $default stage (Props.DefaultStage).
type StageOptions struct {
	// Name is the stage's name and the first segment of its URL path:
	// letters, digits, '-' and '_', at most 128 characters. Required for a
	// named stage; for Props.DefaultStage, empty or "$default".
	Name string

	// Variables are the stage variables the function receives as
	// stageVariables: at most 100; names of at most 64 letters, digits and
	// '_'; values of at most 512 letters, digits and -._~:/?#&=,
	// Default: none.
	Variables map[string]string

	// ManualDeploy turns off automatic deployment: changes to routes reach
	// the stage only through a deployment you create.
	// Default: false, every change is deployed automatically.
	ManualDeploy bool

	// Description is the stage's description, at most 1024 characters.
	// Default: none.
	Description string

	// Throttle overrides the API's Throttle for this stage.
	// Default: the API's Throttle.
	Throttle Throttle
}

var (
	stageNamePattern     = regexp.MustCompile(fmt.Sprintf(`^[A-Za-z0-9_-]{1,%d}$`, quota.StageNameChars))
	stageVarNamePattern  = regexp.MustCompile(fmt.Sprintf(`^[A-Za-z0-9_]{1,%d}$`, quota.StageVariableKeyChars))
	stageVarValuePattern = regexp.MustCompile(`^[A-Za-z0-9\-._~:/?#&=,]*$`)
)

// validateStages checks Props.Stages, named stages next to the $default
// stage if withDefault; its errors name elements of stages.
func validateStages(stages []StageOptions, withDefault bool) error {
	if n := len(stages); !withDefault && n > quota.StagesPerAPI {
		return propcheck.Errorf("", ": %d stages exceed the HTTP API quota of %d stages per API", n, quota.StagesPerAPI)
	} else if withDefault && n+1 > quota.StagesPerAPI {
		return propcheck.Errorf("", ": %d stages with $default exceed the HTTP API quota of %d stages per API", n+1, quota.StagesPerAPI)
	}
	named := map[string]int{} // stage names to their index
	for i := range stages {
		s := &stages[i]
		if err := s.validate(true); err != nil {
			return propcheck.In(propcheck.Index(i), err)
		}
		if j, ok := named[s.Name]; ok {
			return propcheck.Errorf(propcheck.Index(i)+".Name", " %q is the name of Stages[%d] too: give each stage its own name", s.Name, j)
		}
		named[s.Name] = i
	}
	return nil
}

// validate checks a named stage of Props.Stages (named), or
// Props.DefaultStage; its errors name fields of StageOptions.
func (s *StageOptions) validate(named bool) error {
	if named && !stageNamePattern.MatchString(s.Name) {
		return propcheck.Errorf("Name", " %q is not allowed: use 1 to %d letters, digits, '-' or '_'", s.Name, quota.StageNameChars)
	}
	if !named && s.Name != "" && s.Name != defaultStageName {
		return propcheck.Errorf("Name", " %q is not allowed: leave it empty or set %q; add a named stage to Stages", s.Name, defaultStageName)
	}
	if len(s.Variables) > quota.StageVariablesPerStage {
		return propcheck.Errorf("Variables", ": %d variables exceed the limit of %d per stage", len(s.Variables), quota.StageVariablesPerStage)
	}
	names := make([]string, 0, len(s.Variables))
	for k := range s.Variables {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		v := s.Variables[k]
		if !stageVarNamePattern.MatchString(k) {
			return propcheck.Errorf("Variables", ": name %q is not allowed: use 1 to %d letters, digits or '_'", k, quota.StageVariableKeyChars)
		}
		if propcheck.IsToken(v) {
			continue
		}
		field := propcheck.Join("Variables", propcheck.Key(k))
		if n := utf8.RuneCountInString(v); n > quota.StageVariableValueChars {
			return propcheck.Errorf(field, " %q is %d characters long: use at most %d", propcheck.Abbreviate(v), n, quota.StageVariableValueChars)
		}
		if !stageVarValuePattern.MatchString(v) {
			return propcheck.Errorf(field, " %q is not allowed: use letters, digits and -._~:/?#&=,", v)
		}
	}
	if err := propcheck.Length("Description", s.Description, 0, quota.DescriptionChars); err != nil {
		return err
	}
	if s.Throttle != (Throttle{}) {
		return propcheck.In("Throttle", s.Throttle.validate())
	}
	return nil
}

// Throttle is a steady-state request rate with a burst allowance. Both
// must be above zero and at most the account's defaults (10000 requests per
// second, a burst of 5000); RateLimit must be a finite number.
type Throttle struct {
	// RateLimit is the steady-state limit in requests per second.
	RateLimit float64
	// BurstLimit is the number of requests allowed at once above the rate.
	BurstLimit int
}

func (t Throttle) withDefaults() Throttle {
	if t == (Throttle{}) {
		return Throttle{RateLimit: 1000, BurstLimit: 500}
	}
	return t
}

// validate checks t; its errors name fields of Throttle, or t itself.
func (t Throttle) validate() error {
	if err := propcheck.Finite("RateLimit", t.RateLimit); err != nil {
		return err
	}
	rateKnown := !propcheck.IsNumberToken(t.RateLimit) // a token is checked at deployment
	if rateKnown && t.RateLimit <= 0 || t.BurstLimit <= 0 {
		return propcheck.Errorf("", " needs both RateLimit and BurstLimit above zero, got RateLimit %v and BurstLimit %d", t.RateLimit, t.BurstLimit)
	}
	if t.BurstLimit > quota.AccountThrottleBurst || rateKnown && t.RateLimit > quota.AccountThrottleRate {
		return propcheck.Errorf("", " (RateLimit %v, BurstLimit %d) exceeds the account defaults of %d requests/s and a burst of %d",
			t.RateLimit, t.BurstLimit, quota.AccountThrottleRate, quota.AccountThrottleBurst)
	}
	return nil
}

// AccessLogs configure the access logs of every stage.
type AccessLogs struct {
	// Disabled turns access logging off. Not recommended: without access
	// logs a failed request leaves no trace but the function's own logs.
	// Default: false, access logs on.
	Disabled bool

	// Retention is how long the access log group keeps log events.
	// Default: awslogs.RetentionDays_ONE_MONTH.
	Retention awslogs.RetentionDays

	// Fields are the access log's JSON fields: names mapped to
	// $context variables. They must include "$context.requestId", and the
	// format they make (one JSON object) may be at most 3 KB.
	// Default: DefaultAccessLogFields.
	Fields map[string]string
}

// DefaultAccessLogFields are the fields of the default JSON access log line.
var DefaultAccessLogFields = map[string]string{
	"requestId":          "$context.requestId",
	"ip":                 "$context.identity.sourceIp",
	"requestTime":        "$context.requestTime",
	"httpMethod":         "$context.httpMethod",
	"path":               "$context.path",
	"routeKey":           "$context.routeKey",
	"stage":              "$context.stage",
	"status":             "$context.status",
	"protocol":           "$context.protocol",
	"responseLength":     "$context.responseLength",
	"responseLatency":    "$context.responseLatency",
	"integrationLatency": "$context.integrationLatency",
	"integrationError":   "$context.integrationErrorMessage",
	"authorizerError":    "$context.authorizer.error",
	"userAgent":          "$context.identity.userAgent",
}

func (l AccessLogs) withDefaults() AccessLogs {
	if l.Retention == "" {
		l.Retention = awslogs.RetentionDays_ONE_MONTH
	}
	if l.Fields == nil {
		l.Fields = DefaultAccessLogFields
	}
	return l
}

// validate checks l; its errors name fields of AccessLogs.
func (l AccessLogs) validate() error {
	if l.Disabled {
		return nil
	}
	if l.Retention == awslogs.RetentionDays_INFINITE {
		return propcheck.Errorf("Retention", " %q keeps logs forever: choose a finite awslogs.RetentionDays", l.Retention)
	}
	hasID := false
	for _, k := range slices.Sorted(maps.Keys(l.Fields)) {
		v := l.Fields[k]
		if k == "" || strings.ContainsAny(k, `"\`) || strings.ContainsAny(v, `"\`) {
			return propcheck.Errorf("Fields", ": field %q: %q must not be empty nor contain quotes or backslashes", k, v)
		}
		hasID = hasID || v == "$context.requestId"
	}
	if !hasID {
		return propcheck.Errorf("Fields", ` must include "$context.requestId" so that log lines can be correlated with function logs`)
	}
	if n := len(l.format()); n > quota.AccessLogFormatBytes {
		return propcheck.Errorf("Fields", " make a %d-byte access log format (%d fields): API Gateway allows at most %d bytes", n, len(l.Fields), quota.AccessLogFormatBytes)
	}
	return nil
}

// format renders the fields as one JSON object, keys sorted.
func (l AccessLogs) format() string {
	keys := make([]string, 0, len(l.Fields))
	for k := range l.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%q:%q", k, l.Fields[k])
	}
	b.WriteByte('}')
	return b.String()
}

// accessLogSettings implements awsapigatewayv2.IAccessLogSettings.
type accessLogSettings struct {
	destination awsapigatewayv2.IAccessLogDestination
	format      awsapigateway.AccessLogFormat
}

func (s *accessLogSettings) Destination() awsapigatewayv2.IAccessLogDestination { return s.destination }
func (s *accessLogSettings) Format() awsapigateway.AccessLogFormat              { return s.format }

// newAccessLogs creates the access log group and the stages' settings, or
// returns nils when access logging is off.
func newAccessLogs(scope constructs.Construct, l *AccessLogs) (awslogs.ILogGroup, awsapigatewayv2.IAccessLogSettings) {
	if l.Disabled {
		return nil, nil
	}
	group := awslogs.NewLogGroup(scope, jsii.String("AccessLogs"), &awslogs.LogGroupProps{Retention: l.Retention})
	return group, &accessLogSettings{
		destination: awsapigatewayv2.NewLogGroupLogDestination(group),
		format:      awsapigateway.AccessLogFormat_Custom(jsii.String(l.format())),
	}
}

func newStage(a *api, id string, s *StageOptions, logs awsapigatewayv2.IAccessLogSettings, apiThrottle Throttle) awsapigatewayv2.HttpStage {
	t := apiThrottle
	if s.Throttle != (Throttle{}) {
		t = s.Throttle
	}
	var vars *map[string]*string
	if len(s.Variables) > 0 {
		m := make(map[string]*string, len(s.Variables))
		for k, v := range s.Variables {
			m[k] = jsii.String(v)
		}
		vars = &m
	}
	var description *string
	if s.Description != "" {
		description = jsii.String(s.Description)
	}
	return awsapigatewayv2.NewHttpStage(a, jsii.String(id), &awsapigatewayv2.HttpStageProps{
		HttpApi:           a.httpApi,
		StageName:         jsii.String(s.Name),
		AutoDeploy:        jsii.Bool(!s.ManualDeploy),
		Description:       description,
		StageVariables:    vars,
		AccessLogSettings: logs,
		Throttle: &awsapigatewayv2.ThrottleSettings{
			RateLimit:  jsii.Number(t.RateLimit),
			BurstLimit: jsii.Number(float64(t.BurstLimit)),
		},
	})
}
