package local

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/httpapi-cdk/httpapi/internal/localtest"
)

// An API built by hand, not read from a template, logs in its stage's
// format too: New parses it.
func TestAccessLogFormatOfAHandBuiltAPI(t *testing.T) {
	api := &API{LogicalID: "Api", Stages: []Stage{
		{Name: "$default", AccessLogFormat: `$context.httpMethod $context.path $context.status "$context.routeKey"`},
		{Name: "plain"},
	}}
	var access localtest.Buffer
	srv, err := New(context.Background(), api, &Options{Log: &localtest.Buffer{}, AccessLog: &access})
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/nothing", "/plain/nothing"} {
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
		if w.Code != 404 {
			t.Fatalf("GET %s: %d, want 404", path, w.Code)
		}
	}
	srv.Close() // writes what the access log holds
	lines := strings.Split(strings.TrimSpace(access.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("access log: %q, want 2 lines", lines)
	}
	if want := `GET /nothing 404 "-"`; lines[0] != want {
		t.Errorf("access log in the stage's format: %q, want %q", lines[0], want)
	}
	if !strings.HasPrefix(lines[1], `{"requestId":"`) || !strings.HasSuffix(lines[1], `","routeKey":"-","status":"404"}`) {
		t.Errorf("access log of a stage without a format: %q, want the default format", lines[1])
	}
}
