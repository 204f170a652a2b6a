package local_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http/httptest"
	"os"
	"os/signal"
	"syscall"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/httpapi-cdk/httpapi/function/app"
	"github.com/httpapi-cdk/httpapi/lambdahttp"
	"github.com/httpapi-cdk/httpapi/local"
)

// Serve the only HTTP API of a synthesized app (`cdk synth` wrote cdk.out)
// on port 3000 until interrupted, as cmd/local does.
func ExampleNew() {
	apis, err := local.LoadAssembly("cdk.out")
	if err != nil {
		log.Fatal(err)
	}
	api, err := local.Select(apis, "HttpApiReference", "")
	if err != nil {
		log.Fatal(err)
	}
	for _, p := range api.Problems {
		log.Println("not emulated faithfully:", p)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:3000") // before building: a port in use fails fast
	if err != nil {
		log.Fatal(err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	srv, err := local.New(ctx, api, &local.Options{Concurrency: 2})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close() // stops the function processes, removes the build directory
	if err := srv.Serve(ctx, ln); err != nil {
		log.Print(err)
	}
}

// Verify JWT signatures locally with the public keys of a JSON Web Key Set.
func ExampleParseKeySet() {
	keys, err := local.ParseKeySet([]byte(`{"keys": [
		{"kty": "RSA", "kid": "dev-1", "alg": "RS256", "e": "AQAB",
		 "n": "wD5ho6lLzjuKKnmdYQ8KzB4sNRftiMDnmYa9Ax5kmw_5zI6yP4yUv6Xe2hPW62PgDfgzODpmh2UFYbjk3JPnzWA4bGcwdB3eVGqJ7Jtk0nEaT3OPqBg5gfOJmUSiO7K9OeyEaDQ5MdlfY6PA1BaSYu5CEwx5gQeUJm4ALu-WvMX9GtT6ZubXrCSJdfR2uoTlDDx1zDTqZYxuLXPEtT0pHCHFxx2AwXeV38KGq8UeNnP8rCMt6Cj6BMh5rpTRt9dE6bTbXHYRqCQrxmnsaI0JJMBb9dcxzcaBwhTCaLaabmxkt8s8Uz9rrtdBgvN4xOBJhmvdIfv0Ew-0RhA_RaMw"},
		{"kty": "EC", "kid": "not-for-api-gateway", "crv": "P-256", "x": "AA", "y": "AA"}
	]}`))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(keys.Len(), "RSA key")
	_ = &local.Options{JWTKeys: keys}
	// Output: 1 RSA key
}

// Test a whole API in process: the routes, stages, CORS and payload format
// come from the synthesized template, the function is a handler of this
// process (no build, no process). A test can synthesize the template
// itself and pass its JSON; here it is the reference stack's, as `cdk
// synth` wrote it.
func ExampleNew_inProcess() {
	template, err := os.ReadFile("../test/testdata/HttpApiReference.template.json")
	if err != nil {
		log.Fatal(err)
	}
	apis, err := local.ParseTemplate(template, "HttpApiReference")
	if err != nil {
		log.Fatal(err)
	}
	srv, err := local.New(context.Background(), apis[0], &local.Options{
		Handlers: map[string]lambda.Handler{
			// The function built from this Go package runs as this handler.
			"github.com/httpapi-cdk/httpapi/function": app.Router(&lambdahttp.Options{Logger: slog.New(slog.DiscardHandler)}),
		},
		AccessLog: io.Discard,
	})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	req := httptest.NewRequest("GET", "/dev/hello/Ann", nil) // stage dev
	req.Header.Set("Origin", "https://example.com")
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	fmt.Println(rec.Code, rec.Header().Get("Access-Control-Allow-Origin"), rec.Body.String())
	// Output: 200 https://example.com {"message":"Hello, Ann!"}
}
