// Package local serves an HTTP API synthesized with this project's
// constructs on localhost, as API Gateway would, running the real Go
// handlers as processes behind an in-process Lambda Runtime API.
//
// It reads the synthesized CloudFormation templates, not Go values: routes,
// integrations (payload format, timeout), stages (variables), CORS, and for
// each function its Go package and the module that holds it (template
// metadata written by gofunction: the module's directory relative to the
// CDK app's, which it takes to be the one above the cloud assembly, so the
// emulator runs from any directory), environment, memory and timeout. The
// stacks of CDK Stages (nested cloud assemblies) are read too, named
// "Prod/Api". What it cannot serve faithfully is
// reported by [LoadAssembly], [LoadTemplate] and [ParseTemplate] as a [Problem], never
// silently mis-served.
//
// [New] runs the functions and returns the gateway, an [http.Handler];
// [Server.Serve] serves it on a listener with timeouts for every phase of
// a connection. [Server.Watch] follows edits: it rebuilds a function when
// its Go sources change and reloads the API when its templates do
// ([Server.Reload]), without dropping a request.
// In a test, [Options].Handlers runs them in the test's own process
// instead, as lambda.Handlers, and [ParseTemplate] takes the template of a
// stack the test synthesized: the whole API as deployed, with no build, no
// process and no prior `cdk synth`.
// JWT authorizers check signatures against a local [KeySet] when given one
// ([Options].JWTKeys); function processes can have CPUs of their own
// ([Options].FunctionCPUs).
package local
