// Errors: the Error type, and the one way an error, a panic or a routing miss becomes a response.

package lambdahttp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"

	"github.com/httpapi-cdk/httpapi/route"
)

// Error is an error with an HTTP status. A handler that returns one gets a
// response with that status and the JSON body
// {"message": Message, "field": Field, "requestId": ...}, field omitted
// when empty.
type Error struct {
	// Status is the HTTP status, 400 to 599.
	Status int
	// Message is shown to the client.
	Message string
	// Field names the request value the error is about, if any: a JSON
	// field path such as "items[2].name", or a path or query parameter.
	Field string
	// Err is the underlying cause, logged but not shown to the client.
	Err error
}

// Errorf returns an *Error with the given status and formatted message.
func Errorf(status int, format string, args ...any) *Error {
	return &Error{Status: status, Message: fmt.Sprintf(format, args...)}
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%d %s: %v", e.Status, e.Message, e.Err)
	}
	return fmt.Sprintf("%d %s", e.Status, e.Message)
}

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// asError finds an *Error in err's tree, depth first, through Unwrap()
// error and Unwrap() []error as errors.As walks it, without the reflection
// errors.As links into every function binary. Unlike errors.As it calls
// no As method: an *Error must be in the tree itself.
func asError(err error) *Error {
	for err != nil {
		if he, ok := err.(*Error); ok {
			return he
		}
		if joined, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range joined.Unwrap() {
				if he := asError(e); he != nil {
					return he
				}
			}
			return nil
		}
		err = errors.Unwrap(err)
	}
	return nil
}

// errorBody is the JSON body of every error response; its schema is
// [openapi.ErrorSchema].
type errorBody struct {
	Message   string `json:"message"`
	Field     string `json:"field,omitempty"`
	RequestID string `json:"requestId,omitempty"`
}

func errorResponse(status int, message, requestID string) *Response {
	return fieldErrorResponse(status, message, "", requestID)
}

func fieldErrorResponse(status int, message, field, requestID string) *Response {
	b, _ := json.Marshal(errorBody{Message: message, Field: field, RequestID: requestID})
	return &Response{Status: status, Headers: map[string]string{"Content-Type": "application/json"}, Body: b}
}

// errorResult turns a handler's error into its response, for every
// front-end (Router, Bridge, ServeMux, typed routes): an *[Error] in err's
// chain with a status of 400 to 599 keeps its status, message and field;
// any other error is a 500 with a generic message, its text never shown to
// the client. Every 5xx is logged on log at ERROR with the request id;
// a 4xx is the client's mistake and is not.
func errorResult(ctx context.Context, log *slog.Logger, requestID string, err error) *Response {
	if he := asError(err); he != nil && he.Status >= 400 && he.Status <= 599 {
		if he.Status >= 500 {
			logError(ctx, log, requestID, err)
		}
		return fieldErrorResponse(he.Status, he.Message, he.Field, requestID)
	}
	logError(ctx, log, requestID, err)
	return errorResponse(http.StatusInternalServerError, "Internal Server Error", requestID)
}

func logError(ctx context.Context, log *slog.Logger, requestID string, err error) {
	log.LogAttrs(ctx, slog.LevelError, "handler error", slog.String("requestId", requestID), slog.String("error", err.Error()))
}

// panicResult is the response to a handler's panic p, for every
// front-end: a 500 with a generic message, and an ERROR line on log with
// the request id, the panic and the stack.
func panicResult(ctx context.Context, log *slog.Logger, requestID string, p any) *Response {
	log.LogAttrs(ctx, slog.LevelError, "panic", slog.String("requestId", requestID),
		slog.Any("panic", p), slog.String("stack", string(debug.Stack())))
	return errorResponse(http.StatusInternalServerError, "Internal Server Error", requestID)
}

// routingResult is the error response to a routing decision that names
// no handler: 405 with its Allow header, or 404.
func routingResult(d route.Decision, requestID string) *Response {
	if d.Outcome == route.MethodNotAllowed {
		return errorResponse(http.StatusMethodNotAllowed, "Method Not Allowed", requestID).SetHeader("Allow", route.AllowHeader(d.Allowed))
	}
	return errorResponse(http.StatusNotFound, "Not Found", requestID)
}

// writeResponse writes resp, an error response, to a net/http
// ResponseWriter.
func writeResponse(w http.ResponseWriter, resp *Response) {
	h := w.Header()
	for k, v := range resp.Headers {
		h.Set(k, v)
	}
	w.WriteHeader(resp.Status)
	w.Write(resp.Body)
}
