// The access log: one line per request in the stage's format.

package local

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/httpapi-cdk/httpapi/proxyevent"
)

// logAccess writes the access log line in the stage's format
// (docs/api-gateway-behavior.md R-LOG-1).
func (s *Server) logAccess(q *request, resp *response) {
	format := defaultAccessLog
	if q.stage != nil && q.cfg.formats[q.stage.Name] != nil {
		format = q.cfg.formats[q.stage.Name]
	}
	b := make([]byte, 0, 512)
	for _, seg := range format {
		if seg.variable == "" {
			b = append(b, seg.text...)
			continue
		}
		b = appendJSONEscaped(b, s.contextValue(seg.variable, q, resp))
	}
	b = append(b, '\n')
	s.accessLog.Write(b)
}

// contextValue returns the value of a $context variable for the access log;
// "-" for one without a value or not emulated.
func (s *Server) contextValue(name string, q *request, resp *response) string {
	v := ""
	switch name {
	case "requestId", "extendedRequestId":
		v = q.ev.ID
	case "identity.sourceIp":
		v = q.ev.SourceIP
	case "identity.userAgent":
		v = q.r.UserAgent()
	case "requestTime":
		v = proxyevent.CLFTime(q.ev.Time)
	case "requestTimeEpoch":
		v = strconv.FormatInt(q.ev.Time.UnixMilli(), 10)
	case "httpMethod":
		v = q.r.Method
	case "path":
		v = q.r.URL.Path
	case "routeKey":
		if q.route != nil {
			v = q.route.Key.String()
		}
	case "stage":
		if q.stage != nil {
			v = q.stage.Name
		}
	case "status":
		v = strconv.Itoa(resp.status)
	case "protocol":
		v = q.r.Proto
	case "responseLength":
		v = strconv.Itoa(len(resp.body))
	case "responseLatency":
		v = strconv.FormatInt(time.Since(q.ev.Time).Milliseconds(), 10)
	case "integrationLatency":
		v = latencyMs(resp.integrationLatency)
	case "integrationErrorMessage":
		v = resp.errMsg
	case "authorizer.error":
		v = resp.authErr
	case "apiId":
		v = q.cfg.apiID
	case "domainName":
		v = q.ev.DomainName()
	}
	if v == "" {
		return "-"
	}
	return v
}

// logSegment is a literal run of an access log format or a $context variable.
type logSegment struct {
	text     string
	variable string
}

var defaultAccessLog = parseAccessLogFormat(`{"requestId":"$context.requestId","routeKey":"$context.routeKey","status":"$context.status"}`)

// parseAccessLogFormat splits a format into literals and $context.name
// variables, once per stage.
func parseAccessLogFormat(format string) []logSegment {
	var segs []logSegment
	for {
		i := strings.Index(format, "$context.")
		if i < 0 {
			return append(segs, logSegment{text: format})
		}
		segs = append(segs, logSegment{text: format[:i]})
		rest := format[i+len("$context."):]
		j := 0
		for j < len(rest) && (rest[j] == '.' || rest[j] == '_' || rest[j] >= 'a' && rest[j] <= 'z' || rest[j] >= 'A' && rest[j] <= 'Z' || rest[j] >= '0' && rest[j] <= '9') {
			j++
		}
		name := strings.TrimSuffix(rest[:j], ".")
		segs = append(segs, logSegment{variable: name})
		format = rest[len(name):]
	}
}

// appendJSONEscaped appends s escaped for the inside of a JSON string.
func appendJSONEscaped(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c < 0x20:
			b = append(b, fmt.Sprintf("\\u%04x", c)...)
		default:
			b = append(b, c)
		}
	}
	return b
}

func latencyMs(d time.Duration) string {
	if d == 0 {
		return ""
	}
	return strconv.FormatInt(d.Milliseconds(), 10)
}
