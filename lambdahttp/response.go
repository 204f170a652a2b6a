package lambdahttp

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/httpapi-cdk/httpapi/mediatype"
)

var base64Std = base64.StdEncoding

// Response is what a handler returns. Build one with [JSON], [Text],
// [Binary] or [Empty] and add to it with its methods.
type Response struct {
	// Status is the HTTP status code, 100 to 599.
	Status int
	// Headers are single-valued response headers. Several values for one
	// name are joined with ", ".
	Headers map[string]string
	// Cookies become one Set-Cookie header each.
	Cookies []string
	// Body is the response body.
	Body []byte
}

// JSON returns a response with v encoded as JSON and Content-Type
// application/json. If v does not encode, it returns a 500 response.
func JSON(status int, v any) *Response {
	b, err := json.Marshal(v)
	if err != nil {
		return errorResponse(http.StatusInternalServerError, "response does not encode as JSON", "")
	}
	return &Response{Status: status, Headers: map[string]string{"Content-Type": "application/json"}, Body: b}
}

// Text returns a text/plain response.
func Text(status int, s string) *Response {
	return &Response{Status: status, Headers: map[string]string{"Content-Type": "text/plain; charset=utf-8"}, Body: []byte(s)}
}

// Binary returns a response with the given content type and bytes. Whether
// API Gateway gets the body base64-encoded is decided by the content type.
func Binary(status int, contentType string, b []byte) *Response {
	return &Response{Status: status, Headers: map[string]string{"Content-Type": contentType}, Body: b}
}

// Empty returns a response with no body, such as 204 No Content.
func Empty(status int) *Response { return &Response{Status: status} }

// SetHeader sets a header, replacing any value, and returns r.
func (r *Response) SetHeader(name, value string) *Response {
	if r.Headers == nil {
		r.Headers = map[string]string{}
	}
	r.Headers[name] = value
	return r
}

// SetCookie adds a Set-Cookie header for c and returns r. An invalid cookie
// is dropped, as net/http drops it.
func (r *Response) SetCookie(c *http.Cookie) *Response {
	if s := c.String(); s != "" {
		r.Cookies = append(r.Cookies, s)
	}
	return r
}

// header returns the value of a header whatever the case of its name.
func (r *Response) header(name string) (string, bool) {
	if v, ok := r.Headers[name]; ok {
		return v, true
	}
	for k, v := range r.Headers {
		if strings.EqualFold(k, name) {
			return v, true
		}
	}
	return "", false
}

// IsText reports whether the toolkit sends a response body of this content
// type as a string rather than base64-encoded. It is
// [mediatype.ResponseIsText]; API Gateway's rule for request bodies, which
// base64-encodes form data, is [mediatype.RequestIsText]
// (docs/api-gateway-behavior.md R-KIT-6).
func IsText(contentType string) bool { return mediatype.ResponseIsText(contentType) }

// compressible reports whether gzip is likely to shrink a body of this type.
func compressible(contentType string) bool {
	if mediatype.ResponseIsText(contentType) {
		return true
	}
	mt := mediatype.Of(contentType)
	return mt == "application/octet-stream" || mt == "application/wasm"
}

// acceptsGzip reports whether an Accept-Encoding value allows gzip.
func acceptsGzip(accept string) bool {
	for accept != "" {
		var part string
		part, accept, _ = strings.Cut(accept, ",")
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		coding = strings.TrimSpace(coding)
		if coding != "gzip" && coding != "*" {
			continue
		}
		q := strings.ReplaceAll(params, " ", "")
		if q == "q=0" || strings.HasPrefix(q, "q=0.") && strings.Trim(q[3:], "0.") == "" {
			return false
		}
		return true
	}
	return false
}

var gzipWriters = sync.Pool{New: func() any { w, _ := gzip.NewWriterLevel(nil, gzip.DefaultCompression); return w }}

// gzipBody compresses b.
func gzipBody(b []byte) []byte {
	var buf bytes.Buffer
	buf.Grow(len(b)/3 + 64)
	w := gzipWriters.Get().(*gzip.Writer)
	w.Reset(&buf)
	w.Write(b)
	w.Close()
	gzipWriters.Put(w)
	return buf.Bytes()
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
