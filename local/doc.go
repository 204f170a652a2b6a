// Package local serves an HTTP API synthesized with this project's
// constructs on localhost, as API Gateway would, running the real Go
// handlers as processes behind an in-process Lambda Runtime API.
//
// It reads the synthesized CloudFormation templates, not Go values: routes,
// integrations (payload format, timeout), stages (variables), CORS, and for
// each function its Go package (template metadata written by gofunction),
// environment, memory and timeout. What it cannot serve faithfully is
// reported by [LoadAssembly] and [LoadTemplate] as a [Problem], never
// silently mis-served.
//
// [New] runs the functions and returns the gateway, an [http.Handler];
// [Server.Serve] serves it on a listener with timeouts for every phase of
// a connection.
// JWT authorizers check signatures against a local [KeySet] when given one
// ([Options].JWTKeys); function processes can have CPUs of their own
// ([Options].FunctionCPUs).
package local
