// Command httpapi starts projects that use this module:
//
//	httpapi init [-module PATH] [-stack NAME] [-checkout DIR] [-tidy=false] DIR
//
// init writes a ready project into DIR, a new or empty directory: go.mod,
// cdk.json with the CDK feature flags of this module's CDK version, the
// CDK app (main.go), a function whose route table is the API's source
// (function/, function/app/ with handler tests), a Makefile whose synth,
// test and local targets install the pinned CDK CLI and Node.js 22, and a
// README. Run it from a checkout of this module,
//
//	go run ./cmd/httpapi init ../todo
//
// or, once the module is published, from anywhere:
//
//	go run github.com/httpapi-cdk/httpapi/cmd/httpapi@latest init todo
//
// From a checkout, the project's go.mod replaces the module with that
// checkout; from the module cache it requires the version that runs.
package main

import (
	"fmt"
	"os"
)

const usage = `usage: httpapi init [-module PATH] [-stack NAME] [-checkout DIR] [-tidy=false] DIR
  (httpapi init -h: the flags)`

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, usage)
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "init":
		err = runInit(os.Args[2:])
	case "-h", "-help", "--help", "help":
		fmt.Println(usage)
		return
	default:
		fmt.Fprintf(os.Stderr, "httpapi: unknown command %q\n%s\n", os.Args[1], usage)
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "httpapi init:", err)
		os.Exit(1)
	}
}
