// Operations: what a handler's route table declares about each route, and the Source interface that yields them.

package openapi

import "github.com/httpapi-cdk/httpapi/route"

// Operation describes one route of a handler's route table: its key and,
// for a typed route, its parameters, request body and response.
// An untyped route (a plain handler) has only its Key.
type Operation struct {
	// Key is the route key.
	Key route.Key
	// Summary is a one-line description.
	Summary string
	// Parameters are the path and query parameters the handler reads.
	Parameters []Parameter
	// RequestBody is the schema of the JSON request body; nil when the
	// handler declares none.
	RequestBody *Schema
	// Status is the status of a successful answer; 0 for an untyped route.
	Status int
	// Response is the schema of the JSON body of a successful answer; nil
	// when it has none or the route is untyped.
	Response *Schema
	// Validated reports whether the handler checks the request against
	// RequestBody and Parameters, answering 400 for a malformed body or
	// parameter and 422 for a broken constraint, with the JSON error body
	// of [ErrorSchema].
	Validated bool
}

// Parameter is a path or query parameter of an [Operation].
type Parameter struct {
	// Name is the parameter's name: the path variable, or the query key.
	Name string
	// In is "path" or "query".
	In string
	// Required reports whether the request must carry it; path
	// parameters always do.
	Required bool
	// Schema is the parameter's type and constraints.
	Schema *Schema
}

// Source is a route table that describes its routes: the keys it serves,
// in declaration order, each with what the handler declares about it.
// lambdahttp's Router and ServeMux implement it.
type Source interface {
	Operations() []Operation
}
