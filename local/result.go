// The HTTP response: a function's result mapped as API Gateway maps it, and the gateway's own errors.

package local

import (
	"encoding/base64"
	"encoding/json"
	"math"
	"net/http"
	"slices"
	"time"
)

// response is what the gateway sends back.
type response struct {
	status             int
	header             http.Header
	body               []byte
	errMsg             string // $context.integrationErrorMessage
	authErr            string // $context.authorizer.error
	integrationLatency time.Duration
}

func gatewayError(status int, message string) *response {
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	return &response{status: status, header: h, body: []byte(`{"message":"` + message + `"}`)}
}

// The gateway's own responses, byte for byte as API Gateway sends them.
func notFound() *response { return gatewayError(404, "Not Found") }

func internalError() *response { return gatewayError(500, "Internal Server Error") }

func serviceUnavailable() *response { return gatewayError(503, "Service Unavailable") }

func tooLarge() *response { return gatewayError(413, "Request Entity Too Large") }

func unauthorized() *response { return gatewayError(401, "Unauthorized") }

func forbidden() *response { return gatewayError(403, "Forbidden") }

// mapV2 turns a 2.0 function result into the HTTP response. It reports
// false for a result API Gateway rejects (it answers 500).
func mapV2(payload []byte) (*response, bool) {
	var v any
	if err := json.Unmarshal(payload, &v); err != nil {
		// Not JSON: AWS passes it through as the inferred body unchecked
		// (HTTPAPI-BEHAVIOR.md R24).
		h := http.Header{}
		h.Set("Content-Type", "application/json")
		return &response{status: 200, header: h, body: payload}, true
	}
	obj, isObj := v.(map[string]any)
	if _, hasStatus := obj["statusCode"]; !isObj || !hasStatus {
		// No statusCode: API Gateway infers a 200 JSON response whose body
		// is the result as returned, a JSON string unwrapped.
		h := http.Header{}
		h.Set("Content-Type", "application/json")
		body := payload
		if str, ok := v.(string); ok {
			body = []byte(str)
		}
		return &response{status: 200, header: h, body: body}, true
	}
	resp, ok := mapCommon(obj)
	if !ok {
		return nil, false
	}
	if c, present := obj["cookies"]; present && c != nil {
		list, ok := c.([]any)
		if !ok {
			return nil, false
		}
		var cookies []string
		for _, e := range list {
			s, ok := e.(string)
			if !ok {
				return nil, false
			}
			cookies = append(cookies, s)
		}
		// The cookies field's entries come first, then any Set-Cookie header.
		resp.header["Set-Cookie"] = append(cookies, resp.header["Set-Cookie"]...)
	}
	return resp, true
}

// mapV1 turns a 1.0 function result into the HTTP response: it must be an
// object with statusCode; headers and multiValueHeaders are merged. It
// reports false for a result API Gateway rejects.
func mapV1(payload []byte) (*response, bool) {
	var obj map[string]any
	if err := json.Unmarshal(payload, &obj); err != nil || obj == nil {
		return nil, false
	}
	if _, ok := obj["statusCode"]; !ok {
		return nil, false
	}
	resp, ok := mapCommon(obj)
	if !ok {
		return nil, false
	}
	if mv, present := obj["multiValueHeaders"]; present && mv != nil {
		m, ok := mv.(map[string]any)
		if !ok {
			return nil, false
		}
		for name, vals := range m {
			list, ok := vals.([]any)
			if !ok {
				return nil, false
			}
			canon := http.CanonicalHeaderKey(name)
			if reservedResponseHeader(canon) {
				continue
			}
			for _, e := range list {
				s, ok := e.(string)
				if !ok {
					return nil, false
				}
				if !slices.Contains(resp.header[canon], s) { // the same value in both maps is sent once
					resp.header[canon] = append(resp.header[canon], s)
				}
			}
		}
	}
	return resp, true
}

// mapCommon reads statusCode, headers, body and isBase64Encoded. It
// reports false for anything API Gateway rejects with a 500.
func mapCommon(obj map[string]any) (*response, bool) {
	code, ok := obj["statusCode"].(float64)
	if !ok || code != math.Trunc(code) || code < 100 || code > 599 {
		return nil, false
	}
	resp := &response{status: int(code), header: http.Header{}}
	if hv, present := obj["headers"]; present && hv != nil {
		m, ok := hv.(map[string]any)
		if !ok {
			return nil, false
		}
		for name, val := range m {
			s, ok := val.(string)
			if !ok {
				return nil, false // an array or number value makes the response invalid
			}
			canon := http.CanonicalHeaderKey(name)
			if !reservedResponseHeader(canon) {
				resp.header[canon] = append(resp.header[canon], s)
			}
		}
	}
	var body string
	if bv, present := obj["body"]; present && bv != nil {
		s, ok := bv.(string)
		if !ok {
			return nil, false
		}
		body = s
	}
	b64, _ := obj["isBase64Encoded"].(bool)
	if b64 {
		raw, err := base64.StdEncoding.DecodeString(body)
		if err != nil {
			return nil, false
		}
		resp.body = raw
	} else {
		resp.body = []byte(body)
	}
	if resp.header.Get("Content-Type") == "" {
		resp.header.Set("Content-Type", "text/plain; charset=utf-8")
	}
	return resp, true
}

// reservedResponseHeader reports headers API Gateway computes itself.
func reservedResponseHeader(canon string) bool {
	switch canon {
	case "Content-Length", "Connection", "Transfer-Encoding":
		return true
	}
	return false
}
