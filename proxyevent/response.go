// The response API Gateway makes of a Lambda proxy integration's result, payload 2.0 or 1.0, and its own error responses.

package proxyevent

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"slices"
)

// Response is the HTTP response API Gateway sends the client, before the
// headers it adds to every response (Apigw-Requestid, Content-Length,
// Date) and the CORS headers of the API's configuration.
type Response struct {
	// StatusCode is the HTTP status.
	StatusCode int
	// Header holds the response headers, names canonical.
	Header http.Header
	// Body is the response body, base64-decoded when the result was encoded.
	Body []byte
}

// GatewayResponse returns the response API Gateway answers with itself, for
// a request it does not pass to the integration or an integration that
// failed: the status and {"message": its status text}, as JSON, byte for
// byte as API Gateway sends it (404 {"message":"Not Found"}, 500
// {"message":"Internal Server Error"}, ...; docs/api-gateway-behavior.md
// R-ERR-6).
func GatewayResponse(status int) *Response {
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	return &Response{StatusCode: status, Header: h, Body: []byte(`{"message":"` + http.StatusText(status) + `"}`)}
}

// ParseResult maps a function's result in payload format "2.0" or "1.0" to
// the response API Gateway sends. For a result API Gateway rejects it
// returns an error that says why; the client then gets
// GatewayResponse(500).
func ParseResult(format string, result []byte) (*Response, error) {
	switch format {
	case "2.0":
		return parseV2(result)
	case "1.0":
		return parseV1(result)
	}
	return nil, fmt.Errorf("proxyevent: payload format %q: want \"2.0\" or \"1.0\"", format)
}

// parseV2 maps a 2.0 result. multiValueHeaders is not read: 2.0 ignores it
// (docs/api-gateway-behavior.md R-RES-4).
func parseV2(payload []byte) (*Response, error) {
	var v any
	if err := json.Unmarshal(payload, &v); err != nil {
		// Not JSON: AWS passes it through as the inferred body unchecked
		// (docs/api-gateway-behavior.md R-RES-1).
		h := http.Header{}
		h.Set("Content-Type", "application/json")
		return &Response{StatusCode: 200, Header: h, Body: payload}, nil
	}
	obj, isObj := v.(map[string]any)
	if _, hasStatus := obj["statusCode"]; !isObj || !hasStatus {
		// No statusCode: API Gateway infers a 200 JSON response whose body
		// is the result as returned, a JSON string unwrapped (R-RES-1).
		h := http.Header{}
		h.Set("Content-Type", "application/json")
		body := payload
		if str, ok := v.(string); ok {
			body = []byte(str)
		}
		return &Response{StatusCode: 200, Header: h, Body: body}, nil
	}
	resp, err := parseCommon(obj)
	if err != nil {
		return nil, err
	}
	if c, present := obj["cookies"]; present && c != nil {
		list, ok := c.([]any)
		if !ok {
			return nil, errors.New("cookies is not a list of strings")
		}
		var cookies []string
		for _, e := range list {
			s, ok := e.(string)
			if !ok {
				return nil, errors.New("cookies is not a list of strings")
			}
			cookies = append(cookies, s)
		}
		// The cookies field's entries come first, then any Set-Cookie header (R-RES-6).
		resp.Header["Set-Cookie"] = append(cookies, resp.Header["Set-Cookie"]...)
	}
	return resp, nil
}

// parseV1 maps a 1.0 result: it must be an object with statusCode; headers
// and multiValueHeaders are merged; cookies is ignored
// (docs/api-gateway-behavior.md R-RES-10).
func parseV1(payload []byte) (*Response, error) {
	var obj map[string]any
	if err := json.Unmarshal(payload, &obj); err != nil || obj == nil {
		return nil, errors.New("a payload 1.0 result must be a JSON object")
	}
	if _, ok := obj["statusCode"]; !ok {
		return nil, errors.New("a payload 1.0 result must have a statusCode")
	}
	resp, err := parseCommon(obj)
	if err != nil {
		return nil, err
	}
	if mv, present := obj["multiValueHeaders"]; present && mv != nil {
		m, ok := mv.(map[string]any)
		if !ok {
			return nil, errors.New("multiValueHeaders is not an object")
		}
		for name, vals := range m {
			list, ok := vals.([]any)
			if !ok {
				return nil, fmt.Errorf("multiValueHeaders[%q] is not a list of strings", name)
			}
			canon := http.CanonicalHeaderKey(name)
			if reservedResponseHeader(canon) {
				continue
			}
			for _, e := range list {
				s, ok := e.(string)
				if !ok {
					return nil, fmt.Errorf("multiValueHeaders[%q] is not a list of strings", name)
				}
				if !slices.Contains(resp.Header[canon], s) { // the same value in both maps is sent once
					resp.Header[canon] = append(resp.Header[canon], s)
				}
			}
		}
	}
	return resp, nil
}

// parseCommon reads statusCode, headers, body and isBase64Encoded, and
// returns an error for anything API Gateway rejects with a 500
// (docs/api-gateway-behavior.md R-RES-2, R-RES-3, R-RES-7, R-RES-8; the
// default content type R-RES-5).
func parseCommon(obj map[string]any) (*Response, error) {
	code, ok := obj["statusCode"].(float64)
	if !ok || code != math.Trunc(code) || code < 100 || code > 599 {
		return nil, fmt.Errorf("statusCode %s is not an HTTP status (a whole number from 100 to 599)", jsonText(obj["statusCode"]))
	}
	resp := &Response{StatusCode: int(code), Header: http.Header{}}
	if hv, present := obj["headers"]; present && hv != nil {
		m, ok := hv.(map[string]any)
		if !ok {
			return nil, errors.New("headers is not an object")
		}
		for name, val := range m {
			s, ok := val.(string)
			if !ok {
				// An array or number value makes the response invalid.
				return nil, fmt.Errorf("headers[%q] is %s, not a string", name, jsonText(val))
			}
			canon := http.CanonicalHeaderKey(name)
			if !reservedResponseHeader(canon) {
				resp.Header[canon] = append(resp.Header[canon], s)
			}
		}
	}
	var body string
	if bv, present := obj["body"]; present && bv != nil {
		s, ok := bv.(string)
		if !ok {
			return nil, fmt.Errorf("body is %s, not a string", jsonText(bv))
		}
		body = s
	}
	b64, _ := obj["isBase64Encoded"].(bool)
	if b64 {
		raw, err := base64.StdEncoding.DecodeString(body)
		if err != nil {
			return nil, fmt.Errorf("body is marked base64-encoded but does not decode: %v", err)
		}
		resp.Body = raw
	} else {
		resp.Body = []byte(body)
	}
	if resp.Header.Get("Content-Type") == "" {
		resp.Header.Set("Content-Type", "text/plain; charset=utf-8")
	}
	return resp, nil
}

// jsonText is v as JSON, for error messages; at most 60 bytes of it.
func jsonText(v any) string {
	b, _ := json.Marshal(v)
	if len(b) > 60 {
		return string(b[:60]) + "..."
	}
	return string(b)
}

// reservedResponseHeader reports headers API Gateway computes itself
// (docs/api-gateway-behavior.md R-RES-9).
func reservedResponseHeader(canon string) bool {
	switch canon {
	case "Content-Length", "Connection", "Transfer-Encoding":
		return true
	}
	return false
}
