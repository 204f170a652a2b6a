// Logging: the default logger of a front-end, at the level and in the format of the function's Lambda logging configuration.

package lambdahttp

import (
	"log/slog"
	"os"
	"strings"
)

// The environment variables through which Lambda's advanced logging
// controls tell a custom runtime the function's log format ("JSON" or
// "Text") and application log level.
const (
	envLogFormat = "AWS_LAMBDA_LOG_FORMAT"
	envLogLevel  = "AWS_LAMBDA_LOG_LEVEL"
)

// lambdaLogLevels maps Lambda's application log levels to slog levels.
// TRACE and FATAL have no slog level: TRACE is below DEBUG and FATAL above
// ERROR, so that a record is written exactly when Lambda would keep it.
var lambdaLogLevels = map[string]slog.Level{
	"TRACE": slog.LevelDebug - 4,
	"DEBUG": slog.LevelDebug,
	"INFO":  slog.LevelInfo,
	"WARN":  slog.LevelWarn,
	"ERROR": slog.LevelError,
	"FATAL": slog.LevelError + 4,
}

// defaultLogger returns the logger of a [Router] or [Bridge] given none:
// one line per record on standard output, JSON unless AWS_LAMBDA_LOG_FORMAT
// is "Text", at the level AWS_LAMBDA_LOG_LEVEL names (INFO when unset).
// Lambda sets both from the function's logging configuration before the
// process starts; they are read here, once per logger.
//
// A level Lambda does not define leaves the logger at INFO and is reported
// by a WARN line. lambdacontext.NewLogHandler reads the same variables, but
// only once per process, maps TRACE and FATAL to INFO and adds a second
// "requestId" key (the invocation's) to the lines that already carry API
// Gateway's.
func defaultLogger() *slog.Logger {
	raw := os.Getenv(envLogLevel)
	level, known := slog.LevelInfo, true
	if raw != "" {
		level, known = lambdaLogLevels[strings.ToUpper(raw)]
		if !known {
			level = slog.LevelInfo
		}
	}
	opts := &slog.HandlerOptions{Level: level}
	var h slog.Handler = slog.NewJSONHandler(os.Stdout, opts)
	if strings.EqualFold(os.Getenv(envLogFormat), "Text") {
		h = slog.NewTextHandler(os.Stdout, opts)
	}
	log := slog.New(h)
	if !known {
		log.Warn("lambdahttp: "+envLogLevel+" is not a Lambda log level; logging at INFO",
			slog.String("value", raw), slog.String("allowed", "TRACE, DEBUG, INFO, WARN, ERROR, FATAL"))
	}
	return log
}
