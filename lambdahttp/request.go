// Request: one view over a 1.0 or 2.0 event, and the decoding of events into it.

package lambdahttp

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"github.com/aws/aws-lambda-go/events"

	"github.com/httpapi-cdk/httpapi/route"
)

// Request is one view over an API Gateway HTTP API event of either payload
// format. Header names are matched case-insensitively; the path the router
// sees never carries a named stage's prefix (docs/api-gateway-behavior.md R-STG-2).
type Request struct {
	// Version is the payload format: "2.0" or "1.0".
	Version string
	// Method is the HTTP method, upper-case whatever the event's case
	// (API Gateway sends it upper-case).
	Method string
	// Path is the decoded request path without the stage prefix:
	// "/hello" for both "/hello" on $default and "/dev/hello" on stage dev.
	Path string
	// RawPath is the path as API Gateway passed it, stage prefix included.
	RawPath string
	// RouteKey is the route API Gateway matched ("$default" for the
	// catch-all); "" when the event names none (REST API events).
	RouteKey string
	// PathParams are the path variables' decoded values.
	PathParams map[string]string
	// Cookies are the request's cookies, "name=value" each.
	Cookies []string
	// Body is the request body, base64-decoded when API Gateway encoded it.
	Body []byte
	// RequestID is API Gateway's request id (requestContext.requestId),
	// also returned to the client in the apigw-requestid header.
	RequestID string
	// Stage is the stage name: "$default" or a named stage.
	Stage string
	// StageVariables are the stage's variables.
	StageVariables map[string]string
	// SourceIP is the client's IP address.
	SourceIP string
	// UserAgent is the client's User-Agent.
	UserAgent string
	// Authorizer is what the route's authorizer passed on, if any.
	Authorizer Authorizer

	// V2 is the raw event when Version is "2.0", else nil.
	V2 *events.APIGatewayV2HTTPRequest
	// V1 is the raw event when Version is "1.0", else nil.
	V1 *events.APIGatewayProxyRequest

	log      *slog.Logger      // the logger of the front-end serving it; see ServeMux.logger
	headers  map[string]string // lower-case names
	rawQuery string
	query    url.Values
	multiQ   map[string][]string // 1.0 only
}

// Authorizer is the identity an authorizer established for the request.
type Authorizer struct {
	// JWTClaims are the JWT authorizer's claims, all values as strings.
	JWTClaims map[string]string
	// JWTScopes are the JWT's scopes; nil when the token has none.
	JWTScopes []string
	// Lambda is the context a Lambda authorizer returned.
	Lambda map[string]any
	// IAM describes the caller of an IAM-authorized route.
	IAM *events.APIGatewayV2HTTPRequestContextAuthorizerIAMDescription
}

// Header returns the first value of the named header, or "". For a header
// sent several times API Gateway joins the values with commas.
func (r *Request) Header(name string) string {
	if v, ok := r.headers[name]; ok {
		return v
	}
	return r.headers[strings.ToLower(name)]
}

// Headers returns the request headers keyed by lower-case name. Callers
// must not modify the map.
func (r *Request) Headers() map[string]string { return r.headers }

// RawQuery returns the query string without "?", still percent-encoded
// (payload 2.0); for payload 1.0 it is rebuilt from the parameters.
func (r *Request) RawQuery() string { return r.rawQuery }

// Query returns the query parameters with every value a key was given, in
// order. For payload 2.0 they are parsed from the raw query string, not from
// API Gateway's comma-joined map, so a value containing a comma stays whole
// (docs/api-gateway-behavior.md R-KIT-5).
func (r *Request) Query() url.Values {
	if r.query != nil {
		return r.query
	}
	if r.multiQ != nil {
		r.query = url.Values(r.multiQ)
	} else {
		r.query, _ = url.ParseQuery(r.rawQuery) // keeps what parses, like net/http
		if r.query == nil {
			r.query = url.Values{}
		}
	}
	return r.query
}

// Param returns the value of a path variable, or "".
func (r *Request) Param(name string) string { return r.PathParams[name] }

// Cookie returns the value of the named cookie.
func (r *Request) Cookie(name string) (string, bool) {
	for _, c := range r.Cookies {
		if n, v, ok := strings.Cut(c, "="); ok && strings.TrimSpace(n) == name {
			return v, true
		}
	}
	return "", false
}

// DecodeJSON decodes the body into v, as json.Unmarshal does (unknown
// fields are ignored). A missing, malformed or mistyped body gives an
// *Error with status 400 that names the problem (and, for a mistyped
// value, its Field).
func (r *Request) DecodeJSON(v any) error { return decodeJSONBody(r.Body, v) }

// decodeJSONBody decodes a JSON body into v: an *Error with status 400
// for a missing or malformed body, naming the field of a mistyped value.
func decodeJSONBody(body []byte, v any) error {
	if len(body) == 0 {
		return Errorf(http.StatusBadRequest, "request body is empty: want a JSON document")
	}
	if err := json.Unmarshal(body, v); err != nil {
		// json.Unmarshal returns these unwrapped; a type switch keeps
		// errors.As (and reflection) out of the binary.
		switch e := err.(type) {
		case *json.SyntaxError:
			return Errorf(http.StatusBadRequest, "request body is not valid JSON at byte %d: %v", e.Offset, e)
		case *json.UnmarshalTypeError:
			if e.Field == "" {
				return Errorf(http.StatusBadRequest, "request body must be %s, got %s", e.Type, e.Value)
			}
			return &Error{Status: http.StatusBadRequest, Message: fmt.Sprintf("request body field %q must be %s, got %s", e.Field, e.Type, e.Value), Field: e.Field}
		default:
			return Errorf(http.StatusBadRequest, "request body: %v", err)
		}
	}
	return nil
}

// ParseEvent decodes an API Gateway event of either payload format into a
// Request, as [Router.Invoke] does. A malformed event gives a nil Request
// and the decoding error; a body marked base64-encoded that does not
// decode gives the Request, without its body, and an *[Error] with status
// 400.
func ParseEvent(payload []byte) (*Request, error) {
	var v2 events.APIGatewayV2HTTPRequest
	err := json.Unmarshal(payload, &v2)
	if err == nil && isV2(&v2) {
		return fromV2(&v2)
	}
	v1 := new(events.APIGatewayProxyRequest)
	if err := json.Unmarshal(payload, v1); err != nil {
		return nil, err
	}
	return fromV1(v1)
}

// isV2 reports whether an event decoded as 2.0 is one: its version says so,
// or, with no version (some test tools omit it), it has one of the fields
// only 2.0 has: rawPath, rawQueryString, routeKey, cookies or
// requestContext.http (docs/api-gateway-behavior.md R-KIT-1).
func isV2(ev *events.APIGatewayV2HTTPRequest) bool {
	switch ev.Version {
	case "2.0":
		return true
	case "":
		h := &ev.RequestContext.HTTP
		return ev.RawPath != "" || ev.RawQueryString != "" || ev.RouteKey != "" || len(ev.Cookies) > 0 ||
			h.Method != "" || h.Path != "" || h.Protocol != "" || h.SourceIP != "" || h.UserAgent != ""
	}
	return false
}

// parseInvocation is ParseEvent for Invoke: an event that does not decode
// at all gives a 2.0 Request to answer with, and an *Error with status 400.
func parseInvocation(payload []byte) (*Request, error) {
	req, err := ParseEvent(payload)
	if err != nil && req == nil {
		return &Request{Version: "2.0"}, &Error{Status: http.StatusBadRequest, Message: "malformed event", Err: err}
	}
	return req, err
}

// fromV2 builds a Request over a 2.0 event. On error (a body that does not
// decode) it still returns the Request, so the error response carries its id.
func fromV2(ev *events.APIGatewayV2HTTPRequest) (*Request, error) {
	rc := &ev.RequestContext
	r := &Request{
		Version:        "2.0",
		Method:         strings.ToUpper(rc.HTTP.Method),
		RawPath:        ev.RawPath,
		RouteKey:       ev.RouteKey,
		PathParams:     ev.PathParameters,
		Cookies:        ev.Cookies,
		RequestID:      rc.RequestID,
		Stage:          rc.Stage,
		StageVariables: ev.StageVariables,
		SourceIP:       rc.HTTP.SourceIP,
		UserAgent:      rc.HTTP.UserAgent,
		V2:             ev,
		headers:        ev.Headers,
		rawQuery:       ev.RawQueryString,
	}
	if r.RawPath == "" {
		r.RawPath = rc.HTTP.Path
	}
	r.Path = route.PathWithoutStage(r.RawPath, r.Stage)
	if a := rc.Authorizer; a != nil {
		if a.JWT != nil {
			r.Authorizer.JWTClaims = a.JWT.Claims
			r.Authorizer.JWTScopes = a.JWT.Scopes
		}
		r.Authorizer.Lambda = a.Lambda
		r.Authorizer.IAM = a.IAM
	}
	lowerHeaderNames(r)
	body, err := decodeBody(ev.Body, ev.IsBase64Encoded)
	r.Body = body
	return r, err
}

// fromV1 builds a Request over a 1.0 event; see fromV2 for errors.
func fromV1(ev *events.APIGatewayProxyRequest) (*Request, error) {
	rc := &ev.RequestContext
	r := &Request{
		Version:        "1.0",
		Method:         strings.ToUpper(ev.HTTPMethod),
		RawPath:        ev.Path,
		RouteKey:       rc.ResourceID,
		PathParams:     ev.PathParameters,
		RequestID:      rc.RequestID,
		Stage:          rc.Stage,
		StageVariables: ev.StageVariables,
		SourceIP:       rc.Identity.SourceIP,
		UserAgent:      rc.Identity.UserAgent,
		V1:             ev,
		multiQ:         ev.MultiValueQueryStringParameters,
	}
	if r.Method == "" {
		r.Method = strings.ToUpper(rc.HTTPMethod)
	}
	// HTTP API 1.0 events carry the route key in resourceId (R-EV1-2); REST
	// API events carry a resource id there, which is no route key.
	if _, err := route.Parse(r.RouteKey); err != nil {
		r.RouteKey = ""
	}
	// 1.0's path is percent-encoded; requestContext.path is decoded (R-EV1-3).
	decoded := rc.Path
	if decoded == "" {
		if p, err := url.PathUnescape(ev.Path); err == nil {
			decoded = p
		} else {
			decoded = ev.Path
		}
	}
	r.Path = route.PathWithoutStage(decoded, r.Stage)
	if r.multiQ == nil && len(ev.QueryStringParameters) > 0 {
		r.multiQ = make(map[string][]string, len(ev.QueryStringParameters))
		for k, v := range ev.QueryStringParameters {
			r.multiQ[k] = []string{v}
		}
	}
	if r.multiQ != nil {
		r.rawQuery = url.Values(r.multiQ).Encode()
	}
	r.headers = make(map[string]string, len(ev.Headers)+len(ev.MultiValueHeaders))
	for k, v := range ev.Headers {
		r.headers[strings.ToLower(k)] = v
	}
	for k, vs := range ev.MultiValueHeaders {
		r.headers[strings.ToLower(k)] = strings.Join(vs, ",")
	}
	if c := r.headers["cookie"]; c != "" {
		for _, part := range strings.Split(c, ";") {
			if part = strings.TrimSpace(part); part != "" {
				r.Cookies = append(r.Cookies, part)
			}
		}
	}
	if a := rc.Authorizer; a != nil {
		if claims, ok := a["claims"].(map[string]any); ok {
			r.Authorizer.JWTClaims = make(map[string]string, len(claims))
			for k, v := range claims {
				r.Authorizer.JWTClaims[k] = fmt.Sprint(v)
			}
			if scopes, ok := a["scopes"].([]any); ok {
				for _, s := range scopes {
					r.Authorizer.JWTScopes = append(r.Authorizer.JWTScopes, fmt.Sprint(s))
				}
			}
		} else if _, jwt := a["claims"]; !jwt {
			r.Authorizer.Lambda = a
		}
	}
	// An IAM-authorized caller is described in the identity, as in REST API events.
	if id := &rc.Identity; id.UserArn != "" || id.AccessKey != "" {
		r.Authorizer.IAM = &events.APIGatewayV2HTTPRequestContextAuthorizerIAMDescription{
			AccessKey: id.AccessKey, AccountID: id.AccountID, CallerID: id.Caller, UserARN: id.UserArn, UserID: id.User,
		}
	}
	body, err := decodeBody(ev.Body, ev.IsBase64Encoded)
	r.Body = body
	return r, err
}

// lowerHeaderNames makes header lookup case-insensitive. API Gateway sends
// 2.0 header names lower-case (docs/api-gateway-behavior.md R-EV2-3); a test or another
// caller may not.
func lowerHeaderNames(r *Request) {
	for k := range r.headers {
		if hasUpper(k) {
			m := make(map[string]string, len(r.headers))
			for k, v := range r.headers {
				lk := strings.ToLower(k)
				if prev, ok := m[lk]; ok {
					v = prev + "," + v
				}
				m[lk] = v
			}
			r.headers = m
			return
		}
	}
}

func hasUpper(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			return true
		}
	}
	return false
}

func decodeBody(body string, base64Encoded bool) ([]byte, error) {
	if body == "" {
		return nil, nil
	}
	if !base64Encoded {
		return []byte(body), nil
	}
	b, err := base64Std.DecodeString(body)
	if err != nil {
		return nil, Errorf(http.StatusBadRequest, "request body is marked base64-encoded but does not decode: %v", err)
	}
	return b, nil
}

// isPreflight reports whether r is a browser's CORS preflight request.
func (r *Request) isPreflight() bool {
	return r.Method == http.MethodOptions && route.IsPreflight(r.Method, r.Header("origin"), r.Header("access-control-request-method"))
}

// id returns r's request id; "" for a nil Request (one that came from no
// event).
func (r *Request) id() string {
	if r == nil {
		return ""
	}
	return r.RequestID
}
