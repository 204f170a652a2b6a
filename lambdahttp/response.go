// Response: what a handler returns, and its builders.

package lambdahttp

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/httpapi-cdk/httpapi/mediatype"
)

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

	err error // why the response could not be built (JSON); the router answers it as a handler error
}

// JSON returns a response with v encoded as JSON and Content-Type
// application/json. If v does not encode, the router answers with the
// error response of any handler error: a logged 500 carrying the request
// id.
func JSON(status int, v any) *Response {
	b, err := json.Marshal(v)
	if err != nil {
		return &Response{Status: http.StatusInternalServerError, err: fmt.Errorf("response does not encode as JSON: %w", err)}
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
