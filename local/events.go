// The events a function receives: payload formats 1.0 and 2.0 built from a request.

package local

import (
	"encoding/base64"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

// eventV2 is the 2.0 event. aws-lambda-go's APIGatewayV2HTTPRequest always
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

// eventV1 is the 1.0 event: the REST proxy event plus its version, with a
// body that is null when empty and isBase64Encoded always present, as API
// Gateway sends them (outer fields shadow the embedded ones).
type eventV1 struct {
	Version         string  `json:"version"`
	Body            *string `json:"body"`
	IsBase64Encoded bool    `json:"isBase64Encoded"` // aws-lambda-go omits it when false
	events.APIGatewayProxyRequest
}

const accountID = "123456789012"

// clfTime formats t as API Gateway's requestContext.time.
func clfTime(t time.Time) string { return t.UTC().Format("02/Jan/2006:15:04:05 -0700") }

// textBody reports whether API Gateway passes a request body of this
// content type as text (isBase64Encoded false); everything else, including
// no content type and form data, is base64-encoded.
func textBody(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	return strings.HasPrefix(mt, "text/") || mt == "application/json" || mt == "application/xml" || mt == "application/javascript"
}

func (q *request) encodeBody() (string, bool) {
	if len(q.body) == 0 {
		return "", false
	}
	if textBody(q.r.Header.Get("Content-Type")) {
		return string(q.body), false
	}
	return base64.StdEncoding.EncodeToString(q.body), true
}

// gatewayHeaders returns the request headers, lower-cased, with the headers
// API Gateway adds, and the Cookie values.
func (q *request) gatewayHeaders() (map[string][]string, []string) {
	h := make(map[string][]string, len(q.r.Header)+6)
	var cookies []string
	hop := connectionHeaders(q.r.Header)
	for name, values := range q.r.Header {
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
	h["host"] = []string{q.r.Host}
	h["content-length"] = []string{strconv.Itoa(len(q.body))}
	h["x-amzn-trace-id"] = []string{"Root=" + traceID()}
	if prior := h["x-forwarded-for"]; len(prior) > 0 {
		h["x-forwarded-for"] = []string{strings.Join(prior, ", ") + ", " + q.sourceIP}
	} else {
		h["x-forwarded-for"] = []string{q.sourceIP}
	}
	_, port, _ := net.SplitHostPort(q.r.Host)
	if port == "" {
		port = "80"
	}
	h["x-forwarded-port"] = []string{port}
	h["x-forwarded-proto"] = []string{"http"}
	return h, cookies
}

// hopByHop are the headers that belong to one connection: API Gateway
// does not pass them to the integration (no captured event carries one).
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

// queryParams parses a raw query as API Gateway does: values decoded
// without form decoding ('+' stays '+'), every value of a key kept in
// order, keys without '=' given "", empty keys dropped.
func queryParams(raw string) (keys []string, values map[string][]string) {
	values = map[string][]string{}
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
		if _, seen := values[k]; !seen {
			keys = append(keys, k)
		}
		values[k] = append(values[k], v)
	}
	return keys, values
}

// domainName is the request's host without the port: API Gateway's
// domain names never carry one.
func (q *request) domainName() string {
	host, _, err := net.SplitHostPort(q.r.Host)
	if err != nil {
		return q.r.Host
	}
	return host
}

// domainPrefix is the domain name's first label.
func (q *request) domainPrefix() string {
	prefix, _, _ := strings.Cut(q.domainName(), ".")
	return prefix
}

func (q *request) v2() *eventV2 {
	headers, cookies := q.gatewayHeaders()
	ev := &eventV2{
		Version: "2.0", RouteKey: q.route.Key.String(), RawPath: q.path, RawQueryString: q.r.URL.RawQuery,
		Cookies: cookies, Headers: make(map[string]string, len(headers)), PathParameters: q.params,
		RequestContext: contextV2{
			AccountID: accountID, APIID: q.apiID, Authorizer: q.authorizer, DomainName: q.domainName(), DomainPrefix: q.domainPrefix(),
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{
				Method: q.r.Method, Path: q.path, Protocol: "HTTP/1.1", SourceIP: q.sourceIP, UserAgent: q.r.UserAgent(),
			},
			RequestID: q.id, RouteKey: q.route.Key.String(), Stage: q.stage.Name, Time: clfTime(q.start), TimeEpoch: q.start.UnixMilli(),
		},
	}
	for name, vs := range headers {
		if name != "cookie" {
			ev.Headers[name] = strings.Join(vs, ",")
		}
	}
	if q.r.URL.RawQuery != "" {
		_, values := queryParams(q.r.URL.RawQuery)
		if len(values) > 0 {
			ev.QueryStringParameters = make(map[string]string, len(values))
			for k, vs := range values {
				ev.QueryStringParameters[k] = strings.Join(vs, ",")
			}
		}
	}
	if len(q.stage.Variables) > 0 {
		ev.StageVariables = q.stage.Variables
	}
	ev.Body, ev.IsBase64Encoded = q.encodeBody()
	return ev
}

func (q *request) v1() *eventV1 {
	headers, _ := q.gatewayHeaders()
	resource := q.route.Key.Path
	if q.route.Key.IsDefault() {
		resource = "$default"
	}
	rawPath := q.r.URL.EscapedPath()
	ev := &eventV1{Version: "1.0", APIGatewayProxyRequest: events.APIGatewayProxyRequest{
		Resource: resource, Path: rawPath, HTTPMethod: q.r.Method,
		Headers: make(map[string]string, len(headers)), MultiValueHeaders: headers,
		PathParameters: q.params,
		RequestContext: events.APIGatewayProxyRequestContext{
			AccountID: accountID, ResourceID: q.route.Key.String(), Stage: q.stage.Name, DomainName: q.domainName(), DomainPrefix: q.domainPrefix(),
			RequestID: q.id, ExtendedRequestID: q.id, Protocol: "HTTP/1.1", ResourcePath: resource, Path: q.path,
			Authorizer: q.authorizerV1, HTTPMethod: q.r.Method, RequestTime: clfTime(q.start), RequestTimeEpoch: q.start.UnixMilli(), APIID: q.apiID,
			Identity: events.APIGatewayRequestIdentity{SourceIP: q.sourceIP, UserAgent: q.r.UserAgent()},
		},
	}}
	for name, vs := range headers {
		ev.Headers[name] = vs[len(vs)-1]
	}
	if q.r.URL.RawQuery != "" {
		_, values := queryParams(q.r.URL.RawQuery)
		if len(values) > 0 {
			ev.QueryStringParameters = make(map[string]string, len(values))
			ev.MultiValueQueryStringParameters = values
			for k, vs := range values {
				ev.QueryStringParameters[k] = vs[len(vs)-1]
			}
		}
	}
	if len(q.stage.Variables) > 0 {
		ev.StageVariables = q.stage.Variables
	}
	body, b64 := q.encodeBody()
	if body != "" {
		ev.Body = &body
	}
	ev.IsBase64Encoded = b64
	return ev
}
