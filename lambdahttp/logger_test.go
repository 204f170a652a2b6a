package lambdahttp

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/httpapi-cdk/httpapi/route"
)

// captureStdout points os.Stdout at a file until the test ends, so that a
// default logger built meanwhile writes there. It returns a function that
// reads what was written so far. Tests that use it cannot run in parallel
// (t.Setenv forbids it anyway).
func captureStdout(t *testing.T) func() string {
	t.Helper()
	f, err := os.Create(filepath.Join(t.TempDir(), "stdout"))
	if err != nil {
		t.Fatal(err)
	}
	saved := os.Stdout
	os.Stdout = f
	t.Cleanup(func() {
		os.Stdout = saved
		f.Close()
	})
	return func() string {
		b, err := os.ReadFile(f.Name())
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
}

// logLines decodes JSON log lines.
func logLines(t *testing.T, out string) []map[string]any {
	t.Helper()
	var lines []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		if l == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("log line is not JSON: %v\n%s", err, l)
		}
		lines = append(lines, m)
	}
	return lines
}

// TestDefaultLoggerHonoursLambdaLogLevel: with Lambda's application log
// level at WARN, the router's default logger drops the INFO line of a
// successful request and keeps the ERROR lines of a failed one.
func TestDefaultLoggerHonoursLambdaLogLevel(t *testing.T) {
	t.Setenv(envLogLevel, "WARN")
	t.Setenv(envLogFormat, "JSON")
	read := captureStdout(t)
	rt, err := NewRouter(nil,
		Route{Key: route.MustParse("GET /ok"), Handler: func(context.Context, *Request) (*Response, error) { return Text(200, "ok"), nil }},
		Route{Key: route.MustParse("GET /fail"), Handler: func(context.Context, *Request) (*Response, error) { return nil, errors.New("boom") }},
	)
	if err != nil {
		t.Fatal(err)
	}
	if r := invoke(t, rt, mustJSON(t, v2Event("GET", "/ok", "GET /ok"))); r.Status != 200 {
		t.Fatalf("GET /ok: status %d", r.Status)
	}
	if out := read(); out != "" {
		t.Errorf("a 200 at level WARN wrote %q, want nothing", out)
	}
	if r := invoke(t, rt, mustJSON(t, v2Event("GET", "/fail", "GET /fail"))); r.Status != 500 {
		t.Fatalf("GET /fail: status %d", r.Status)
	}
	var got []string
	for _, l := range logLines(t, read()) {
		got = append(got, l["level"].(string)+" "+l["msg"].(string))
		if l["msg"] == "request" && l["status"] != 500.0 {
			t.Errorf("request line %v, want status 500", l)
		}
	}
	if want := "ERROR handler error,ERROR request"; strings.Join(got, ",") != want {
		t.Errorf("log lines %q, want %q", got, want)
	}
}

// TestDefaultLoggerLevels: every level Lambda defines enables exactly the
// records Lambda would keep; unset means INFO.
func TestDefaultLoggerLevels(t *testing.T) {
	levels := []slog.Level{slog.LevelDebug - 4, slog.LevelDebug, slog.LevelInfo, slog.LevelWarn, slog.LevelError, slog.LevelError + 4}
	for _, tc := range []struct {
		env    string
		lowest slog.Level
	}{
		{"", slog.LevelInfo},
		{"TRACE", slog.LevelDebug - 4},
		{"DEBUG", slog.LevelDebug},
		{"debug", slog.LevelDebug},
		{"INFO", slog.LevelInfo},
		{"WARN", slog.LevelWarn},
		{"ERROR", slog.LevelError},
		{"FATAL", slog.LevelError + 4},
	} {
		t.Run(tc.env, func(t *testing.T) {
			t.Setenv(envLogLevel, tc.env)
			read := captureStdout(t)
			log := defaultLogger()
			for _, l := range levels {
				if got, want := log.Enabled(context.Background(), l), l >= tc.lowest; got != want {
					t.Errorf("%s=%q: Enabled(%v) = %v, want %v", envLogLevel, tc.env, l, got, want)
				}
			}
			if out := read(); out != "" {
				t.Errorf("building the logger wrote %q", out)
			}
		})
	}
}

// TestDefaultLoggerUnknownLevel: a level Lambda does not define is not
// ignored silently: the logger stays at INFO and says so.
func TestDefaultLoggerUnknownLevel(t *testing.T) {
	t.Setenv(envLogLevel, "VERBOSE")
	read := captureStdout(t)
	log := defaultLogger()
	if log.Enabled(context.Background(), slog.LevelDebug) || !log.Enabled(context.Background(), slog.LevelInfo) {
		t.Error("an unknown level does not leave the logger at INFO")
	}
	lines := logLines(t, read())
	if len(lines) != 1 || lines[0]["level"] != "WARN" || lines[0]["value"] != "VERBOSE" ||
		!strings.Contains(lines[0]["msg"].(string), envLogLevel) || lines[0]["allowed"] != "TRACE, DEBUG, INFO, WARN, ERROR, FATAL" {
		t.Errorf("warning lines %v", lines)
	}
}

// TestDefaultLoggerTextFormat: with Lambda's Text log format the default
// logger writes slog's text lines.
func TestDefaultLoggerTextFormat(t *testing.T) {
	t.Setenv(envLogFormat, "Text")
	t.Setenv(envLogLevel, "")
	read := captureStdout(t)
	rt, err := NewRouter(nil, Route{Key: route.MustParse("GET /ok"), Handler: func(context.Context, *Request) (*Response, error) { return Text(200, "ok"), nil }})
	if err != nil {
		t.Fatal(err)
	}
	invoke(t, rt, mustJSON(t, v2Event("GET", "/ok", "GET /ok")))
	out := read()
	if !strings.HasPrefix(out, "time=") || !strings.Contains(out, " level=INFO msg=request ") || !strings.Contains(out, " status=200 ") {
		t.Errorf("text log line %q", out)
	}
}

// TestBridgeDefaultLoggerHonoursLambdaLogLevel: the ServeMux's bridge
// writes a panic's ERROR line at level ERROR and drops it at FATAL.
func TestBridgeDefaultLoggerHonoursLambdaLogLevel(t *testing.T) {
	for _, tc := range []struct {
		level string
		lines int
	}{{"ERROR", 1}, {"FATAL", 0}} {
		t.Run(tc.level, func(t *testing.T) {
			t.Setenv(envLogLevel, tc.level)
			t.Setenv(envLogFormat, "JSON")
			read := captureStdout(t)
			mux := NewServeMux()
			mux.HandleFunc("GET /panic", func(http.ResponseWriter, *http.Request) { panic("boom") })
			out, err := mux.Invoke(context.Background(), mustJSON(t, v2Event("GET", "/panic", "GET /panic")))
			if err != nil || !strings.Contains(string(out), `"statusCode":500`) {
				t.Fatalf("Invoke = %s, %v; want a 500 response", out, err)
			}
			lines := logLines(t, read())
			if len(lines) != tc.lines {
				t.Fatalf("at %s: %d log lines %v, want %d", tc.level, len(lines), lines, tc.lines)
			}
			if tc.lines == 1 && (lines[0]["level"] != "ERROR" || lines[0]["msg"] != "panic") {
				t.Errorf("log line %v, want the ERROR panic line", lines[0])
			}
		})
	}
}
