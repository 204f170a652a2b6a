package local

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/httpapi-cdk/httpapi/internal/localtest"
)

// With ServeWhileBuilding, New returns before the build and a request
// waits for its function's build; a function that does not build answers
// as one that failed to initialize, and the log says why.
func TestServeWhileBuilding(t *testing.T) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	const module = "github.com/httpapi-cdk/httpapi"
	for _, tc := range []struct {
		name     string
		assembly string
		status   int
		log      string
	}{
		{"builds", moduleAssembly(t, module, relativeTo(t, root)), http.StatusOK, "building 1 function(s) of Stack/Api in the background"},
		{"does not build", moduleAssembly(t, module, nowhere), http.StatusInternalServerError, "local: Echo failed to build; its invocations fail"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Chdir(t.TempDir()) // in no module: only the recorded one builds
			apis, err := LoadAssembly(tc.assembly)
			if err != nil {
				t.Fatal(err)
			}
			log := &localtest.Buffer{}
			srv, err := New(context.Background(), apis[0], &Options{Log: log, AccessLog: log, ServeWhileBuilding: true})
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/echo", nil))
			if rec.Code != tc.status {
				t.Errorf("GET /echo: %d %s, want %d", rec.Code, rec.Body, tc.status)
			}
			srv.Close()
			if !strings.Contains(log.String(), tc.log) {
				t.Errorf("log does not say %q:\n%s", tc.log, log)
			}
		})
	}
}
