// Package proxyevent is API Gateway's side of an HTTP API's Lambda proxy
// integration: it builds the event, payload format 2.0 or 1.0, that API
// Gateway sends a function for an HTTP request, and maps the function's
// result back to the HTTP response API Gateway sends the client.
//
// The local emulator (package local) and the handler test kit (package
// lambdahttp/lambdahttptest) both build their events here, so a handler
// sees the same event in a unit test, in an in-process API test and behind
// cmd/local.
package proxyevent

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/httpapi-cdk/httpapi/mediatype"
	"github.com/httpapi-cdk/httpapi/route"
)

// AccountID is the AWS account id events and ARNs carry: the placeholder of
// AWS's documentation, as no account is involved.
const AccountID = "123456789012"

// Region is the AWS region events and ARNs name.
const Region = "us-east-1"

// Request is an HTTP request as API Gateway holds it once it has chosen
// the stage and the route and run the route's authorizer: everything the
// integration's event is made of.
type Request struct {
	// HTTP is the client's request: its method, URL (path and raw query),
	// Host, headers and cookies. Its Body is not read: see Body.
	HTTP *http.Request
	// Body is the request body.
	Body []byte
	// ID is API Gateway's request id (requestContext.requestId).
	ID string
	// Time is when API Gateway received the request.
	Time time.Time
	// APIID is the API's id (requestContext.apiId).
	APIID string
	// Stage is the stage's name: "$default", or a named stage, which the
	// request path starts with ("/dev/hello" on stage dev).
	Stage string
	// StageVariables are the stage's variables.
	StageVariables map[string]string
	// Route is the route API Gateway matched.
	Route route.Key
	// PathParameters are the route's path variables, decoded.
	PathParameters map[string]string
	// SourceIP is the client's IP address.
	SourceIP string
	// Region is the API's AWS region, which ARNs name; "" means [Region].
	Region string
	// Authorizer is what the route's authorizer established; nil when the
	// route has none.
	Authorizer *Authorizer
}

// Authorizer is the identity a route's authorizer established, which the
// event's requestContext carries. Set one of JWTClaims, Lambda or IAM; an
// Authorizer with none of them stands for a Lambda authorizer that
// returned no context.
type Authorizer struct {
	// JWTClaims are a JWT authorizer's claims, every value a string.
	JWTClaims map[string]string
	// JWTScopes are the token's scopes, with JWTClaims; nil when it has
	// none, which the event carries as "scopes": null
	// (docs/api-gateway-behavior.md R-AUTH-4).
	JWTScopes []string
	// Lambda is the context a Lambda authorizer returned.
	Lambda map[string]any
	// IAM describes the caller of a route with IAM authorization. Payload
	// 1.0 carries it in requestContext.identity, as REST APIs do.
	IAM *events.APIGatewayV2HTTPRequestContextAuthorizerIAMDescription
}

// check reports an Authorizer that mixes the identities of several
// authorizers: a route has one.
func (a *Authorizer) check() error {
	if a == nil {
		return nil
	}
	var set []string
	if a.JWTClaims != nil {
		set = append(set, "JWTClaims")
	}
	if a.Lambda != nil {
		set = append(set, "Lambda")
	}
	if a.IAM != nil {
		set = append(set, "IAM")
	}
	if len(set) > 1 {
		return fmt.Errorf("proxyevent: Authorizer sets %s: a route has one authorizer, set one of JWTClaims, Lambda or IAM", strings.Join(set, " and "))
	}
	if a.JWTScopes != nil && a.JWTClaims == nil {
		return errors.New("proxyevent: Authorizer sets JWTScopes without JWTClaims: a JWT has claims")
	}
	return nil
}

// eventV2 is the 2.0 event (docs/api-gateway-behavior.md R-EV2-1 to
// R-EV2-10). aws-lambda-go's APIGatewayV2HTTPRequest always
// marshals requestContext.authentication, which API Gateway sends only with
// mutual TLS, so the context is our own struct over its parts.
type eventV2 struct {
	Version               string            `json:"version"`
	RouteKey              string            `json:"routeKey"`
	RawPath               string            `json:"rawPath"`
	RawQueryString        string            `json:"rawQueryString"`
	Cookies               []string          `json:"cookies,omitempty"`
	Headers               map[string]string `json:"headers"`
	QueryStringParameters map[string]string `json:"queryStringParameters,omitempty"`
	PathParameters        map[string]string `json:"pathParameters,omitempty"`
	StageVariables        map[string]string `json:"stageVariables,omitempty"`
	RequestContext        contextV2         `json:"requestContext"`
	Body                  string            `json:"body,omitempty"`
	IsBase64Encoded       bool              `json:"isBase64Encoded"`
}

type contextV2 struct {
	AccountID    string                                               `json:"accountId"`
	APIID        string                                               `json:"apiId"`
	Authorizer   any                                                  `json:"authorizer,omitempty"`
	DomainName   string                                               `json:"domainName"`
	DomainPrefix string                                               `json:"domainPrefix"`
	HTTP         events.APIGatewayV2HTTPRequestContextHTTPDescription `json:"http"`
	RequestID    string                                               `json:"requestId"`
	RouteKey     string                                               `json:"routeKey"`
	Stage        string                                               `json:"stage"`
	Time         string                                               `json:"time"`
	TimeEpoch    int64                                                `json:"timeEpoch"`
}

// eventV1 is the 1.0 event (docs/api-gateway-behavior.md R-EV1-1 to
// R-EV1-6): the REST proxy event plus its version, with a
// body that is null when empty and isBase64Encoded always present, as API
// Gateway sends them (outer fields shadow the embedded ones).
type eventV1 struct {
	Version         string  `json:"version"`
	Body            *string `json:"body"`
	IsBase64Encoded bool    `json:"isBase64Encoded"` // aws-lambda-go omits it when false
	events.APIGatewayProxyRequest
}

// Event returns the event of payload format "2.0" or "1.0" for r.
func (r *Request) Event(format string) ([]byte, error) {
	switch format {
	case "2.0":
		return r.EventV2()
	case "1.0":
		return r.EventV1()
	}
	return nil, fmt.Errorf("proxyevent: payload format %q: want \"2.0\" or \"1.0\"", format)
}

// EventV2 returns the payload 2.0 event API Gateway sends the integration
// for r.
func (r *Request) EventV2() ([]byte, error) {
	if err := r.Authorizer.check(); err != nil {
		return nil, err
	}
	return json.Marshal(r.v2())
}

// EventV1 returns the payload 1.0 event API Gateway sends the integration
// for r.
func (r *Request) EventV1() ([]byte, error) {
	if err := r.Authorizer.check(); err != nil {
		return nil, err
	}
	return json.Marshal(r.v1())
}

// AuthorizerEvent returns the event API Gateway sends a Lambda authorizer
// (a REQUEST authorizer) of payload format "2.0" or "1.0" for r, given the
// values of its identity sources. The 2.0 event carries no body
// (docs/api-gateway-behavior.md R-AUTH-5).
func (r *Request) AuthorizerEvent(format string, identity []string) ([]byte, error) {
	arn := r.RouteARN()
	switch format {
	case "1.0":
		return json.Marshal(struct {
			Type               string `json:"type"`
			MethodArn          string `json:"methodArn"`
			IdentitySource     string `json:"identitySource"`
			AuthorizationToken string `json:"authorizationToken"`
			*eventV1
		}{"REQUEST", arn, strings.Join(identity, ","), strings.Join(identity, ","), r.v1()})
	case "2.0":
		ev := r.v2()
		ev.Body, ev.IsBase64Encoded = "", false
		return json.Marshal(struct {
			Type           string   `json:"type"`
			RouteArn       string   `json:"routeArn"`
			IdentitySource []string `json:"identitySource"`
			*eventV2
			IsBase64Encoded *bool `json:"isBase64Encoded,omitempty"`
		}{"REQUEST", arn, identity, ev, nil})
	}
	return nil, fmt.Errorf("proxyevent: authorizer payload format %q: want \"2.0\" or \"1.0\"", format)
}

// RouteARN is the ARN an authorizer's IAM policy is evaluated against: the
// stage, the method, and the path without the stage prefix
// (docs/api-gateway-behavior.md R-AUTH-5, R-AUTH-6).
func (r *Request) RouteARN() string {
	region := r.Region
	if region == "" {
		region = Region
	}
	return "arn:aws:execute-api:" + region + ":" + AccountID + ":" + r.APIID + "/" + r.Stage + "/" + r.HTTP.Method + r.RoutePath()
}

// RoutePath returns the decoded request path without the named stage's
// prefix: the path routes are matched against (docs/api-gateway-behavior.md
// R-STG-2).
func (r *Request) RoutePath() string {
	return route.PathWithoutStage(r.HTTP.URL.Path, r.Stage)
}

// NewRequestID returns a request id shaped like API Gateway's: 16
// characters.
func NewRequestID() string {
	b := make([]byte, 12)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)[:15] + "="
}

// NewTraceID returns an X-Ray trace id: 1-<8 hex seconds>-<24 hex>.
func NewTraceID() string {
	b := make([]byte, 12)
	rand.Read(b)
	return fmt.Sprintf("1-%08x-%s", time.Now().Unix(), hex.EncodeToString(b))
}

// CLFTime formats t as API Gateway's requestContext.time and
// $context.requestTime: "02/Jan/2006:15:04:05 +0000", in UTC
// (docs/api-gateway-behavior.md R-EV2-10).
func CLFTime(t time.Time) string { return t.UTC().Format("02/Jan/2006:15:04:05 -0700") }

// encodeBody returns the event's body and isBase64Encoded: a text body
// (mediatype.RequestIsText) as a string, any other body, form data and a
// body without a content type included, base64-encoded
// (docs/api-gateway-behavior.md R-BODY-1, R-BODY-2).
func (r *Request) encodeBody() (string, bool) {
	if len(r.Body) == 0 {
		return "", false
	}
	if mediatype.RequestIsText(r.HTTP.Header.Get("Content-Type")) {
		return string(r.Body), false
	}
	return base64.StdEncoding.EncodeToString(r.Body), true
}

// gatewayHeaders returns the request headers, lower-cased, without the
// hop-by-hop ones, with the headers API Gateway adds, and the Cookie values
// (docs/api-gateway-behavior.md R-EV2-3 to R-EV2-5, R-EV2-12, R-EV1-5).
func (r *Request) gatewayHeaders() (map[string][]string, []string) {
	h := make(map[string][]string, len(r.HTTP.Header)+6)
	var cookies []string
	hop := connectionHeaders(r.HTTP.Header)
	for name, values := range r.HTTP.Header {
		lname := strings.ToLower(name)
		if hopByHop[lname] || hop[lname] {
			continue // the connection's own, not forwarded (RFC 9110 §7.6.1)
		}
		if lname == "cookie" {
			for _, v := range values {
				for _, c := range strings.Split(v, ";") {
					if c = strings.TrimSpace(c); c != "" {
						cookies = append(cookies, c)
					}
				}
			}
		}
		h[lname] = append(h[lname], values...)
	}
	h["host"] = []string{r.HTTP.Host}
	h["content-length"] = []string{strconv.Itoa(len(r.Body))}
	h["x-amzn-trace-id"] = []string{"Root=" + NewTraceID()}
	if prior := h["x-forwarded-for"]; len(prior) > 0 {
		h["x-forwarded-for"] = []string{strings.Join(prior, ", ") + ", " + r.SourceIP}
	} else {
		h["x-forwarded-for"] = []string{r.SourceIP}
	}
	proto, port := "http", "80"
	if r.HTTP.TLS != nil {
		proto, port = "https", "443"
	}
	if _, p, _ := net.SplitHostPort(r.HTTP.Host); p != "" {
		port = p
	}
	h["x-forwarded-port"] = []string{port}
	h["x-forwarded-proto"] = []string{proto}
	return h, cookies
}

// ParseQuery parses a raw query as API Gateway does: values decoded
// without form decoding ('+' stays '+'), every value of a key kept in
// order, keys without '=' given "", empty keys dropped
// (docs/api-gateway-behavior.md R-EV2-8, R-EV1-4).
func ParseQuery(raw string) map[string][]string {
	values := map[string][]string{}
	for _, part := range strings.Split(raw, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		if dk, err := url.PathUnescape(k); err == nil {
			k = dk
		}
		if dv, err := url.PathUnescape(v); err == nil {
			v = dv
		}
		if k == "" {
			continue
		}
		values[k] = append(values[k], v)
	}
	return values
}

// hopByHop are the headers that belong to one connection: API Gateway
// does not pass them to the integration (no captured event carries one;
// docs/api-gateway-behavior.md R-EV2-12).
var hopByHop = map[string]bool{
	"connection": true, "keep-alive": true, "proxy-connection": true, "te": true,
	"trailer": true, "transfer-encoding": true, "upgrade": true,
}

// connectionHeaders returns the header names, lower-cased, that the
// Connection header lists: they are hop-by-hop too.
func connectionHeaders(h http.Header) map[string]bool {
	var names map[string]bool
	for _, v := range h.Values("Connection") {
		for _, name := range strings.Split(v, ",") {
			if name = strings.ToLower(strings.TrimSpace(name)); name != "" {
				if names == nil {
					names = map[string]bool{}
				}
				names[name] = true
			}
		}
	}
	return names
}

// DomainName is the request's host without the port: API Gateway's
// domain names never carry one (docs/api-gateway-behavior.md R-EV2-10).
func (r *Request) DomainName() string {
	host, _, err := net.SplitHostPort(r.HTTP.Host)
	if err != nil {
		return r.HTTP.Host
	}
	return host
}

// DomainPrefix is the domain name's first label.
func (r *Request) DomainPrefix() string {
	prefix, _, _ := strings.Cut(r.DomainName(), ".")
	return prefix
}

// authorizerV2 is requestContext.authorizer of a 2.0 event
// (docs/api-gateway-behavior.md R-AUTH-4, R-AUTH-9).
func (r *Request) authorizerV2() any {
	a := r.Authorizer
	switch {
	case a == nil:
		return nil
	case a.JWTClaims != nil:
		// Not aws-lambda-go's type: it omits scopes when there are none,
		// where API Gateway sends "scopes": null.
		return map[string]any{"jwt": jwtAuthorizerV2{Claims: a.JWTClaims, Scopes: a.JWTScopes}}
	case a.IAM != nil:
		return map[string]any{"iam": newIAMAuthorizerV2(a.IAM)}
	}
	// {"lambda": null} when the authorizer returned no context, as AWS sends it.
	return map[string]any{"lambda": a.Lambda}
}

// jwtAuthorizerV2 is requestContext.authorizer.jwt of a 2.0 event.
type jwtAuthorizerV2 struct {
	Claims map[string]string `json:"claims"`
	Scopes []string          `json:"scopes"`
}

func (r *Request) v2() *eventV2 {
	headers, cookies := r.gatewayHeaders()
	path := r.HTTP.URL.Path
	ev := &eventV2{
		Version: "2.0", RouteKey: r.Route.String(), RawPath: path, RawQueryString: r.HTTP.URL.RawQuery,
		Cookies: cookies, Headers: make(map[string]string, len(headers)), PathParameters: r.PathParameters,
		RequestContext: contextV2{
			AccountID: AccountID, APIID: r.APIID, Authorizer: r.authorizerV2(), DomainName: r.DomainName(), DomainPrefix: r.DomainPrefix(),
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{
				Method: r.HTTP.Method, Path: path, Protocol: "HTTP/1.1", SourceIP: r.SourceIP, UserAgent: r.HTTP.UserAgent(),
			},
			RequestID: r.ID, RouteKey: r.Route.String(), Stage: r.Stage, Time: CLFTime(r.Time), TimeEpoch: r.Time.UnixMilli(),
		},
	}
	for name, vs := range headers {
		if name != "cookie" {
			ev.Headers[name] = strings.Join(vs, ",")
		}
	}
	if r.HTTP.URL.RawQuery != "" {
		values := ParseQuery(r.HTTP.URL.RawQuery)
		if len(values) > 0 {
			ev.QueryStringParameters = make(map[string]string, len(values))
			for k, vs := range values {
				ev.QueryStringParameters[k] = strings.Join(vs, ",")
			}
		}
	}
	if len(r.StageVariables) > 0 {
		ev.StageVariables = r.StageVariables
	}
	ev.Body, ev.IsBase64Encoded = r.encodeBody()
	return ev
}

func (r *Request) v1() *eventV1 {
	headers, _ := r.gatewayHeaders()
	resource := r.Route.Path
	if r.Route.IsDefault() {
		resource = "$default"
	}
	ev := &eventV1{Version: "1.0", APIGatewayProxyRequest: events.APIGatewayProxyRequest{
		Resource: resource, Path: r.HTTP.URL.EscapedPath(), HTTPMethod: r.HTTP.Method,
		Headers: make(map[string]string, len(headers)), MultiValueHeaders: headers,
		PathParameters: r.PathParameters,
		RequestContext: events.APIGatewayProxyRequestContext{
			AccountID: AccountID, ResourceID: r.Route.String(), Stage: r.Stage, DomainName: r.DomainName(), DomainPrefix: r.DomainPrefix(),
			RequestID: r.ID, ExtendedRequestID: r.ID, Protocol: "HTTP/1.1", ResourcePath: resource, Path: r.HTTP.URL.Path,
			HTTPMethod: r.HTTP.Method, RequestTime: CLFTime(r.Time), RequestTimeEpoch: r.Time.UnixMilli(), APIID: r.APIID,
			Identity: events.APIGatewayRequestIdentity{SourceIP: r.SourceIP, UserAgent: r.HTTP.UserAgent()},
		},
	}}
	if a := r.Authorizer; a != nil {
		rc := &ev.RequestContext
		switch {
		case a.JWTClaims != nil:
			rc.Authorizer = map[string]any{"claims": a.JWTClaims, "scopes": a.JWTScopes}
		case a.IAM != nil:
			rc.Identity.AccessKey, rc.Identity.AccountID = a.IAM.AccessKey, a.IAM.AccountID
			rc.Identity.Caller, rc.Identity.User, rc.Identity.UserArn = a.IAM.CallerID, a.IAM.UserID, a.IAM.UserARN
		default:
			rc.Authorizer = a.Lambda
		}
	}
	for name, vs := range headers {
		ev.Headers[name] = vs[len(vs)-1]
	}
	if r.HTTP.URL.RawQuery != "" {
		values := ParseQuery(r.HTTP.URL.RawQuery)
		if len(values) > 0 {
			ev.QueryStringParameters = make(map[string]string, len(values))
			ev.MultiValueQueryStringParameters = values
			for k, vs := range values {
				ev.QueryStringParameters[k] = vs[len(vs)-1]
			}
		}
	}
	if len(r.StageVariables) > 0 {
		ev.StageVariables = r.StageVariables
	}
	body, b64 := r.encodeBody()
	if body != "" {
		ev.Body = &body
	}
	ev.IsBase64Encoded = b64
	return ev
}
