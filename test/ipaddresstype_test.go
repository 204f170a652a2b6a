// The invalid props of constructs/httpapi/ipaddresstype.go: each case refused with its exact message.

package test

import (
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/httpapi-cdk/httpapi/constructs/httpapi"
)

// TestInvalidIPAddressType: IP address types of an API and of a domain that are neither IPv4 nor DualStack.
func TestInvalidIPAddressType(t *testing.T) {
	testRefusals(t, []refusal{
		{"IP address type", apiProps(func(fn awslambda.IFunction) *httpapi.Props {
			return &httpapi.Props{IPAddressType: "DUAL_STACK"}
		}), `httpapi: IPAddressType "DUAL_STACK" is not an IP address type: use httpapi.IPv4 ("ipv4") or httpapi.DualStack ("dualstack")`},
		{"domain IP address type", func(s awscdk.Stack) {
			newAPI(s, httpapi.RouteOptions{}).AddDomain("D", &httpapi.DomainOptions{Name: "api.example.com", Certificate: testCert(s), IPAddressType: "ipv6"})
		}, `httpapi: DomainOptions.IPAddressType "ipv6" is not an IP address type: use httpapi.IPv4 ("ipv4") or httpapi.DualStack ("dualstack")`},
	})
}
