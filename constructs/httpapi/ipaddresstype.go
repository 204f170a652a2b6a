// IP address types: IPv4 or dual-stack, for an API and for a custom domain.

package httpapi

import (
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2"

	"github.com/httpapi-cdk/httpapi/internal/propcheck"
)

// IPAddressType is the kind of IP address clients may call an API or a
// custom domain from.
type IPAddressType string

// The IP address types of HTTP APIs and their custom domains.
const (
	// IPv4 serves IPv4 clients only: API Gateway's default.
	IPv4 IPAddressType = "ipv4"
	// DualStack serves IPv4 and IPv6 clients: the endpoint resolves to
	// both A and AAAA records.
	DualStack IPAddressType = "dualstack"
)

// validate refuses anything but "", IPv4 and DualStack.
func (t IPAddressType) validate() error {
	switch t {
	case "", IPv4, DualStack:
		return nil
	}
	return propcheck.Errorf("", " %q is not an IP address type: use httpapi.IPv4 (%q) or httpapi.DualStack (%q)", string(t), IPv4, DualStack)
}

// cdk returns the L2's value for t, nil for "" (API Gateway's default, IPv4).
func (t IPAddressType) cdk() awsapigatewayv2.IpAddressType {
	switch t {
	case IPv4:
		return awsapigatewayv2.IpAddressType_IPV4
	case DualStack:
		return awsapigatewayv2.IpAddressType_DUAL_STACK
	}
	return ""
}
