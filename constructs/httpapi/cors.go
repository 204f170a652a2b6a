// CORS: the API's Cors configuration, its checks and the L2's preflight options.

package httpapi

import (
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2"
	"github.com/aws/jsii-runtime-go"

	"github.com/httpapi-cdk/httpapi/internal/propcheck"
	"github.com/httpapi-cdk/httpapi/quota"
	"github.com/httpapi-cdk/httpapi/route"
)

// Cors is API Gateway's CORS configuration. With it, API Gateway answers
// browser preflight requests itself (unless a route takes OPTIONS) and adds
// the configured headers to responses, ignoring CORS headers the function
// returns.
type Cors struct {
	// AllowOrigins are the origins allowed to call the API, each
	// "scheme://host[:port]", or the single value "*". Required.
	AllowOrigins []string

	// AllowMethods are the methods allowed in cross-origin requests, or "*".
	// Default: GET, HEAD, POST, PUT, PATCH, DELETE.
	AllowMethods []string

	// AllowHeaders are the request headers allowed in cross-origin requests.
	// Default: content-type and authorization.
	AllowHeaders []string

	// ExposeHeaders are the response headers a browser script may read.
	// Default: none.
	ExposeHeaders []string

	// AllowCredentials lets browsers send cookies and credentials. It
	// requires explicit AllowOrigins, never "*".
	// Default: false.
	AllowCredentials bool

	// MaxAge is how long browsers may cache a preflight answer, in whole
	// seconds up to 24 h.
	// Default: 0, not set (browsers then cache it for 5 seconds).
	MaxAge time.Duration
}

// corsMethods are the values Cors.AllowMethods accepts: "*" and the HTTP
// methods of route keys.
var corsMethods = append([]string{"*"}, route.HTTPMethods()...)

func (c *Cors) validate() error {
	if c == nil {
		return nil
	}
	if len(c.AllowOrigins) == 0 {
		return propcheck.Errorf("AllowOrigins", ` is required: list origins like "https://example.com", or "*"`)
	}
	for _, o := range c.AllowOrigins {
		if o == "*" {
			if len(c.AllowOrigins) > 1 {
				return propcheck.Errorf("AllowOrigins", ` mixes "*" with other origins %q: use "*" alone or list origins`, c.AllowOrigins)
			}
			if c.AllowCredentials {
				return propcheck.Errorf("AllowCredentials", ` needs explicit AllowOrigins, got "*": API Gateway rejects credentials with a wildcard origin`)
			}
			continue
		}
		u, err := url.Parse(o)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Path != "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
			return propcheck.Errorf("AllowOrigins", `: origin %q is not allowed: use "scheme://host[:port]" with no path or trailing slash, or "*"`, o)
		}
	}
	for _, m := range c.AllowMethods {
		if !slices.Contains(corsMethods, m) {
			return propcheck.Errorf("AllowMethods", ": method %q is not one of %s", m, strings.Join(corsMethods, ", "))
		}
	}
	for _, f := range []struct {
		name    string
		headers []string
	}{{"AllowHeaders", c.AllowHeaders}, {"ExposeHeaders", c.ExposeHeaders}} {
		for _, h := range f.headers {
			if h == "" || strings.ContainsAny(h, " ,:\t\"") {
				return propcheck.Errorf(f.name, ": %q is not a header name (one name per entry, no spaces, commas or colons)", h)
			}
		}
	}
	if c.MaxAge < 0 || c.MaxAge > quota.MaxCorsMaxAge || c.MaxAge%time.Second != 0 {
		return propcheck.Errorf("MaxAge", " %s is out of range: use whole seconds from 0 to %s", c.MaxAge, propcheck.Duration(quota.MaxCorsMaxAge))
	}
	return nil
}

// effective returns the methods and headers API Gateway is configured
// with: AllowMethods and AllowHeaders, or their defaults.
func (c *Cors) effective() (methods, headers []string) {
	methods, headers = c.AllowMethods, c.AllowHeaders
	if len(methods) == 0 {
		methods = []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"}
	}
	if len(headers) == 0 {
		headers = []string{"content-type", "authorization"}
	}
	return methods, headers
}

func (c *Cors) preflight() *awsapigatewayv2.CorsPreflightOptions {
	if c == nil {
		return nil
	}
	methods, headers := c.effective()
	o := &awsapigatewayv2.CorsPreflightOptions{
		AllowOrigins:     jsii.Strings(c.AllowOrigins...),
		AllowHeaders:     jsii.Strings(headers...),
		AllowCredentials: jsii.Bool(c.AllowCredentials),
	}
	ms := make([]awsapigatewayv2.CorsHttpMethod, len(methods))
	for i, m := range methods {
		ms[i] = awsapigatewayv2.CorsHttpMethod(m)
		if m == "*" {
			ms[i] = awsapigatewayv2.CorsHttpMethod_ANY // the jsii enum's name for "*"
		}
	}
	o.AllowMethods = &ms
	if len(c.ExposeHeaders) > 0 {
		o.ExposeHeaders = jsii.Strings(c.ExposeHeaders...)
	}
	if c.MaxAge > 0 {
		o.MaxAge = awscdk.Duration_Seconds(jsii.Number(c.MaxAge.Seconds()))
	}
	return o
}
