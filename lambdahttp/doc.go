// Package lambdahttp is a small toolkit for Go Lambda functions behind an
// API Gateway HTTP API: one [Request] view over payload formats 1.0 and 2.0,
// a [Router] that dispatches on the route table the CDK stack deploys,
// response helpers (JSON, text, binary, cookies, gzip), typed HTTP errors,
// panic recovery and one structured log line per request.
//
// [JSONRoute] and [HandleJSON] declare typed JSON routes: Go types for the
// body, path and query parameters and the answer, checked against the
// rules of their `validate` tags before the handler runs, and described
// ([Router.Operations], [ServeMux.Operations]) for the OpenAPI document
// the httpapi construct writes.
//
// A Router implements lambda.Handler, so a function's main is:
//
//	func main() { lambda.Start(app.Router()) }
//
// For net/http code, a [Bridge] serves any http.Handler from the same
// events, and a [ServeMux] routes http.Handlers on the route table the
// stack deploys, with API Gateway's precedence; the event reaches the
// handlers through [RequestFromContext].
package lambdahttp
