// CORS: the API's CorsConfiguration applied to responses and preflight requests.

package local

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/httpapi-cdk/httpapi/route"
)

// check reports a configuration API Gateway rejects at deployment, which
// the emulator refuses to serve rather than answer with headers no
// deployed API sends.
func (c *Cors) check() error {
	if c.AllowCredentials && slices.Contains(c.AllowOrigins, "*") {
		return fmt.Errorf(`CorsConfiguration: AllowCredentials with AllowOrigins "*" is rejected by API Gateway ("allow-credentials is not supported if 'allow-origin' is *"): list the allowed origins, or turn credentials off`)
	}
	return nil
}

// preflight is API Gateway's automatic answer to a CORS preflight request
// that no route takes (docs/api-gateway-behavior.md R-CORS-1, R-CORS-2).
func (s *Server) preflight(q *request) *response {
	c := q.cfg.api.Cors
	resp := &response{status: 204, header: http.Header{}}
	origin := q.r.Header.Get("Origin")
	allowed := allowedOrigin(c, origin)
	if allowed == "" {
		return resp
	}
	h := resp.header
	h.Set("Access-Control-Allow-Origin", allowed)
	setPreflightHeaders(c, h)
	if c.AllowCredentials {
		h.Set("Access-Control-Allow-Credentials", "true")
	}
	return resp
}

// allowedOrigin returns the Access-Control-Allow-Origin value for origin,
// or "" when it is not allowed.
func allowedOrigin(c *Cors, origin string) string {
	if origin == "" {
		return ""
	}
	for _, o := range c.AllowOrigins {
		if o == "*" {
			return "*"
		}
		if strings.EqualFold(o, origin) {
			return origin
		}
	}
	return ""
}

// applyCors replaces the function's CORS headers by the configured ones
// (docs/api-gateway-behavior.md R-CORS-3).
func (s *Server) applyCors(q *request, h http.Header) {
	c := q.cfg.api.Cors
	if c == nil {
		return
	}
	for name := range h {
		if strings.HasPrefix(name, "Access-Control-") {
			delete(h, name)
		}
	}
	allowed := allowedOrigin(c, q.r.Header.Get("Origin"))
	if allowed == "" {
		return
	}
	h.Set("Access-Control-Allow-Origin", allowed)
	if c.AllowCredentials {
		h.Set("Access-Control-Allow-Credentials", "true")
	}
	if len(c.ExposeHeaders) > 0 {
		h.Set("Access-Control-Expose-Headers", strings.Join(c.ExposeHeaders, ","))
	}
	if isPreflight(q.r) { // a preflight a route delivered to the function
		setPreflightHeaders(c, h)
	}
}

// isPreflight reports whether r is a browser's CORS preflight request
// ([route.IsPreflight]).
func isPreflight(r *http.Request) bool {
	return r.Method == http.MethodOptions && route.IsPreflight(r.Method, r.Header.Get("Origin"), r.Header.Get("Access-Control-Request-Method"))
}

func setPreflightHeaders(c *Cors, h http.Header) {
	if len(c.AllowMethods) > 0 {
		h.Set("Access-Control-Allow-Methods", strings.Join(c.AllowMethods, ","))
	}
	if len(c.AllowHeaders) > 0 {
		h.Set("Access-Control-Allow-Headers", strings.Join(c.AllowHeaders, ","))
	}
	if c.MaxAge >= 0 {
		h.Set("Access-Control-Max-Age", strconv.Itoa(c.MaxAge))
	}
}
