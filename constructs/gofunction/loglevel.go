// Lambda's log levels (ApplicationLogLevel, SystemLogLevel) and their check against the function's Environment.

package gofunction

import (
	"slices"
	"strings"

	"github.com/httpapi-cdk/httpapi/internal/propcheck"
)

// ApplicationLogLevel is the most detailed level of the function's own log
// lines (its JSON lines' "level" key) that Lambda sends to CloudWatch Logs;
// Lambda drops the more detailed ones. Lambda also passes the level to the
// function in AWS_LAMBDA_LOG_LEVEL, which lambdahttp's default logger
// follows.
type ApplicationLogLevel string

// The application log levels Lambda offers, from the most detailed.
const (
	ApplicationTrace ApplicationLogLevel = "TRACE"
	ApplicationDebug ApplicationLogLevel = "DEBUG"
	ApplicationInfo  ApplicationLogLevel = "INFO"
	ApplicationWarn  ApplicationLogLevel = "WARN"
	ApplicationError ApplicationLogLevel = "ERROR"
	ApplicationFatal ApplicationLogLevel = "FATAL"
)

// SystemLogLevel is the most detailed level of the lines Lambda itself
// writes about each invocation (platform.start, platform.report, ...) that
// it sends to CloudWatch Logs.
type SystemLogLevel string

// The system log levels Lambda offers, from the most detailed.
const (
	SystemDebug SystemLogLevel = "DEBUG"
	SystemInfo  SystemLogLevel = "INFO"
	SystemWarn  SystemLogLevel = "WARN"
)

var (
	applicationLogLevels = []ApplicationLogLevel{ApplicationTrace, ApplicationDebug, ApplicationInfo, ApplicationWarn, ApplicationError, ApplicationFatal}
	systemLogLevels      = []SystemLogLevel{SystemDebug, SystemInfo, SystemWarn}
)

// Lambda tells the function its log format and application log level in
// these environment variables.
const (
	envLogFormat = "AWS_LAMBDA_LOG_FORMAT"
	envLogLevel  = "AWS_LAMBDA_LOG_LEVEL"
)

// validateLogging checks the log levels against those Lambda accepts
// (LoggingConfig in the Lambda API reference; the empty level is unset),
// and refuses an Environment that would set the variables Lambda derives
// from the logging configuration.
func validateLogging(app ApplicationLogLevel, sys SystemLogLevel, env map[string]string) error {
	if app != "" && !slices.Contains(applicationLogLevels, app) {
		return propcheck.Errorf("ApplicationLogLevel", " %q is not a Lambda log level: use %s", app, levelList(applicationLogLevels))
	}
	if sys != "" && !slices.Contains(systemLogLevels, sys) {
		return propcheck.Errorf("SystemLogLevel", " %q is not a Lambda system log level: use %s", sys, levelList(systemLogLevels))
	}
	if v, ok := env[envLogLevel]; ok {
		return propcheck.Errorf("Environment", " key %q (%q) would contradict the logging configuration, from which Lambda sets it: use ApplicationLogLevel", envLogLevel, v)
	}
	if v, ok := env[envLogFormat]; ok {
		return propcheck.Errorf("Environment", " key %q (%q) would contradict the logging configuration, from which Lambda sets it: the function always logs in JSON", envLogFormat, v)
	}
	return nil
}

// levelList lists levels for an error message: "DEBUG, INFO or WARN".
func levelList[L ~string](levels []L) string {
	s := make([]string, len(levels))
	for i, l := range levels {
		s[i] = string(l)
	}
	return strings.Join(s[:len(s)-1], ", ") + " or " + s[len(s)-1]
}
