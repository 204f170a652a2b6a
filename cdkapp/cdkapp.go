// Package cdkapp runs the main function of a CDK app written in Go: it
// creates the App, lets the caller define its stacks, synthesizes it and
// ends the jsii runtime, with a log free of the runtime's own noise.
//
// A CDK app's main is then:
//
//	func main() {
//		cdkapp.Main(func(app awscdk.App) {
//			stacks.NewApp(app)
//		})
//	}
package cdkapp

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/httpapi-cdk/httpapi/internal/stderrfilter"
)

// Main creates an App (its context, such as cdk.json's feature flags,
// comes from the CDK CLI, as with awscdk.NewApp), calls define to add the
// stacks, synthesizes the App and ends the jsii runtime, also when define
// panics.
//
// jsii-runtime-go (v1.139.0) waits for its node process twice, from a
// goroutine and from jsii.Close; when Close's wait reaps the process
// first, the goroutine prints "Runtime process exited abnormally: waitid:
// no child processes", without a newline, onto whatever the app prints
// next (in about half of all syntheses here). Main removes exactly that
// text from standard error and passes everything else on in order; it
// replaces os.Stderr, before the runtime starts, by a pipe that does so.
// A panic's message, which the Go runtime writes to file descriptor 2
// directly, is not affected; what define writes to os.Stderr just before
// calling os.Exit may be lost (return, or panic, instead). Lines of the
// log package, which keeps the standard error it found at start, bypass
// the filter and may come out of order with those that go through it.
func Main(define func(app awscdk.App)) {
	Run(func() int {
		app := awscdk.NewApp(nil)
		define(app)
		app.Synth(nil)
		return 0
	})
}

// Run calls f with the runtime's spurious line removed from standard error
// (see Main), ends the jsii runtime after f, also when f panics, and
// returns f's result. It must be called before anything else uses jsii:
// for a test binary that synthesizes, TestMain is
//
//	func TestMain(m *testing.M) { os.Exit(cdkapp.Run(m.Run)) }
func Run(f func() int) int {
	filter := stderrfilter.Start()
	defer filter.Sync()
	defer jsii.Close()
	return f()
}
