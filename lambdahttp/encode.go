// Encoding: a Response rendered as the Lambda proxy result of the request's payload format.

package lambdahttp

import (
	"encoding/base64"
	"encoding/json"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"

	"github.com/httpapi-cdk/httpapi/mediatype"
)

var base64Std = base64.StdEncoding

// encode renders resp in req's payload format, compressing and
// base64-encoding the body as needed (docs/api-gateway-behavior.md R-KIT-6, R-KIT-8).
func encode(req *Request, resp *Response, compressMin int) []byte {
	body := resp.Body
	headers := resp.Headers
	contentType, _ := resp.header("Content-Type")
	_, encoded := resp.header("Content-Encoding")
	gz := !encoded && len(body) >= compressMin && req.headers != nil &&
		compressible(contentType) && acceptsGzip(req.Header("accept-encoding"))
	if gz {
		body = gzipBody(body)
		headers = make(map[string]string, len(resp.Headers)+2)
		for k, v := range resp.Headers {
			headers[k] = v
		}
		headers["Content-Encoding"] = "gzip"
		headers["Vary"] = "Accept-Encoding"
	}
	// Text travels as a JSON string, which must be UTF-8: text in another
	// charset goes base64-encoded like binary.
	b64 := len(body) > 0 && (gz || !mediatype.ResponseIsText(contentType) || !utf8.Valid(body))
	var s string
	if b64 {
		s = base64Std.EncodeToString(body)
	} else {
		s = string(body)
	}
	var out []byte
	if req.Version == "1.0" {
		r := events.APIGatewayProxyResponse{StatusCode: resp.Status, Headers: headers, Body: s, IsBase64Encoded: b64}
		if len(resp.Cookies) > 0 {
			r.MultiValueHeaders = map[string][]string{"Set-Cookie": resp.Cookies}
		}
		out, _ = json.Marshal(&r)
	} else {
		r := events.APIGatewayV2HTTPResponse{StatusCode: resp.Status, Headers: headers, Cookies: resp.Cookies, Body: s, IsBase64Encoded: b64}
		out, _ = json.Marshal(&r)
	}
	return out
}
