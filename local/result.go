// The HTTP response the gateway sends, and the gateway's own errors.

package local

import (
	"net/http"
	"time"

	"github.com/httpapi-cdk/httpapi/proxyevent"
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

// gatewayError is the gateway's own response with this status, byte for
// byte as API Gateway sends it.
func gatewayError(status int) *response {
	g := proxyevent.GatewayResponse(status)
	return &response{status: g.StatusCode, header: g.Header, body: g.Body}
}

// The gateway's own responses, byte for byte as API Gateway sends them
// (docs/api-gateway-behavior.md R-ERR-6).
func notFound() *response { return gatewayError(http.StatusNotFound) }

func internalError() *response { return gatewayError(http.StatusInternalServerError) }

func serviceUnavailable() *response { return gatewayError(http.StatusServiceUnavailable) }

func tooLarge() *response { return gatewayError(http.StatusRequestEntityTooLarge) }

func tooManyRequests() *response { return gatewayError(http.StatusTooManyRequests) }

func unauthorized() *response { return gatewayError(http.StatusUnauthorized) }

func forbidden() *response { return gatewayError(http.StatusForbidden) }
