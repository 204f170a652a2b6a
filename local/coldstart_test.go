package local

import (
	"context"
	"encoding/json"
	"io"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/httpapi-cdk/httpapi/internal/affinity"
)

// BenchmarkColdStart measures, per iteration, starting a function's process
// against the in-process Runtime API and getting its first response: the
// reference function next to a minimal hello function.
func BenchmarkColdStart(b *testing.B) {
	event, _ := json.Marshal(events.APIGatewayV2HTTPRequest{Version: "2.0", RouteKey: "GET /hello", RawPath: "/hello",
		RequestContext: events.APIGatewayV2HTTPRequestContext{RequestID: "id", Stage: "$default",
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: "GET", Path: "/hello"}}})
	for _, tc := range []struct{ name, pkg string }{
		{"hello", "github.com/httpapi-cdk/httpapi/local/testdata/hellofn"},
		{"reference", "github.com/httpapi-cdk/httpapi/function"},
	} {
		b.Run(tc.name, func(b *testing.B) {
			fn := &Function{LogicalID: tc.name, GoPackage: tc.pkg, MemorySize: 128, Timeout: 10 * time.Second, Environment: map[string]string{}}
			// The pool starts its processes through a launcher, as the
			// Server's pools do (a nil one panicked here).
			launcher, err := affinity.NewLauncher(nil)
			if err != nil {
				b.Fatal(err)
			}
			defer launcher.Close()
			bin, err := build(context.Background(), fn, b.TempDir(), io.Discard, launcher)
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				p := newPool(fn, bin, 1, io.Discard, launcher)
				res, ok := p.invoke(event, time.Now().Add(10*time.Second))
				if !ok || res.outcome != outcomeOK {
					b.Fatalf("first invocation: %v %v %s", ok, res.outcome, res.detail)
				}
				p.close()
			}
		})
	}
}
