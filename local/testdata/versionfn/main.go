// Command versionfn is the function the -watch tests edit: it answers
// every request with its version, after a short pause so that requests
// are in flight when a new build is swapped in. GET /hold answers only
// once the file named by $RELEASE exists, and says it has begun by
// creating $RELEASE.held. The tests copy it into a module of its own; it
// speaks the Lambda Runtime API with the standard library alone, so that
// module needs no go.sum.
package main

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"strings"
	"time"
)

const version = "v1"

func main() {
	api := "http://" + os.Getenv("AWS_LAMBDA_RUNTIME_API") + "/2018-06-01/runtime/invocation/"
	for {
		next, err := http.Get(api + "next")
		if err != nil {
			os.Exit(1)
		}
		event, _ := io.ReadAll(next.Body)
		next.Body.Close()
		var ev struct {
			RawPath string `json:"rawPath"`
		}
		json.Unmarshal(event, &ev)
		time.Sleep(20 * time.Millisecond)
		if release := os.Getenv("RELEASE"); ev.RawPath == "/hold" && release != "" {
			os.WriteFile(release+".held", nil, 0o644)
			for _, err := os.Stat(release); err != nil; _, err = os.Stat(release) {
				time.Sleep(10 * time.Millisecond)
			}
		}
		id := next.Header.Get("Lambda-Runtime-Aws-Request-Id")
		resp, err := http.Post(api+id+"/response", "application/json", strings.NewReader(`{"statusCode": 200, "body": "`+version+`"}`))
		if err != nil {
			os.Exit(1)
		}
		resp.Body.Close()
	}
}
