// Package mediatype decides, from a Content-Type, whether a body travels
// between API Gateway and Lambda as text or base64-encoded.
//
// Two rules, owned by two parties, and they differ on purpose:
//
//   - [RequestIsText] is API Gateway's: HTTP APIs have no binary media types
//     setting, and API Gateway decides alone how a request body goes into the
//     Lambda event. Form data (application/x-www-form-urlencoded,
//     multipart/form-data) and a request without a Content-Type arrive
//     base64-encoded. The emulator follows it to build events.
//   - [ResponseIsText] is this module's handler toolkit's: in a response the
//     function decides (API Gateway base64-decodes the body when the result
//     says isBase64Encoded, and passes it as it is otherwise), so the toolkit
//     sends as a string every type whose bodies are text, form data and
//     +json/+xml types included, and base64-encodes the rest.
//
// The package has no dependencies beyond the standard library, so a Lambda
// handler and the emulator can both import it.
package mediatype

import "strings"

// Of returns the media type of a Content-Type value, lower-case and without
// parameters: "application/json" for "Application/JSON; charset=utf-8".
// It returns "" for an empty value. It does what mime.ParseMediaType does
// for this purpose without its allocations or its refusal of malformed
// parameters, which API Gateway ignores.
func Of(contentType string) string {
	mt, _, _ := strings.Cut(contentType, ";")
	mt = strings.TrimSpace(mt)
	for i := 0; i < len(mt); i++ {
		if c := mt[i]; c >= 'A' && c <= 'Z' {
			return strings.ToLower(mt)
		}
	}
	return mt
}

// RequestIsText reports whether API Gateway passes a request body of this
// content type to Lambda as a string (isBase64Encoded false): text/*,
// application/json, application/xml and application/javascript, parameters
// ignored, case-insensitive. Every other body is base64-encoded, including
// form data and a body without a Content-Type (docs/api-gateway-behavior.md
// R-BODY-2).
//
// Sources: observed in captured events (an application/octet-stream body
// arrives base64-encoded in aws-lambda-dotnet's V2_BinaryContent fixture; a
// form-urlencoded body arrives base64-encoded,
// https://github.com/denoland/deno_registry2/issues/33); HTTP APIs have no
// binaryMediaTypes setting:
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
func RequestIsText(contentType string) bool { return requestText(Of(contentType)) }

func requestText(mt string) bool {
	return strings.HasPrefix(mt, "text/") ||
		mt == "application/json" || mt == "application/xml" || mt == "application/javascript"
}

// ResponseIsText reports whether the handler toolkit sends a response body
// of this content type as a string rather than base64-encoded: what
// [RequestIsText] accepts, plus form data
// (application/x-www-form-urlencoded), image/svg+xml and every +json and
// +xml type. A missing content type counts as binary. A text body that is
// not valid UTF-8 cannot travel in a JSON string: the toolkit base64-encodes
// it whatever this says (docs/api-gateway-behavior.md R-KIT-6).
func ResponseIsText(contentType string) bool {
	mt := Of(contentType)
	return requestText(mt) ||
		mt == "application/x-www-form-urlencoded" || mt == "image/svg+xml" ||
		strings.HasSuffix(mt, "+json") || strings.HasSuffix(mt, "+xml")
}

// IsJSON reports whether a Content-Type names JSON: application/json or
// a structured-syntax +json type such as application/problem+json,
// whatever its parameters.
func IsJSON(contentType string) bool {
	mt := Of(contentType)
	return mt == "application/json" || strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json")
}
