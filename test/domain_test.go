// The invalid props of constructs/httpapi/domain.go: each case refused with its exact message.

package test

import (
	"fmt"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscertificatemanager"
	"github.com/aws/jsii-runtime-go"
	"github.com/httpapi-cdk/httpapi/constructs/httpapi"
)

// TestInvalidDomainOptions: custom domains that AddDomain refuses, alone or with the API's stages.
func TestInvalidDomainOptions(t *testing.T) {
	testRefusals(t, []refusal{
		{"domain without certificate or zone", func(s awscdk.Stack) {
			newAPI(s, httpapi.RouteOptions{}).AddDomain("D", &httpapi.DomainOptions{Name: "api.example.com"})
		}, `httpapi: DomainOptions for "api.example.com" needs a Certificate, or a HostedZone to create and validate one in`},
		{"domain name", func(s awscdk.Stack) {
			newAPI(s, httpapi.RouteOptions{}).AddDomain("D", &httpapi.DomainOptions{Name: "https://api.example.com"})
		}, `httpapi: DomainOptions.Name "https://api.example.com" is not a domain name: use lower-case labels like "api.example.com"`},
		{"domain mapping to an unknown stage", func(s awscdk.Stack) {
			cert := awscertificatemanager.Certificate_FromCertificateArn(s, jsii.String("C"), jsii.String("arn:aws:acm:us-east-1:1:certificate/x"))
			newAPI(s, httpapi.RouteOptions{}).AddDomain("D", &httpapi.DomainOptions{Name: "api.example.com", Certificate: cert, Mappings: []httpapi.DomainMapping{{Stage: "prod"}}})
		}, `httpapi: DomainOptions.Mappings[0].Stage "prod" is not a stage of this API`},
		{"domain mapping key", func(s awscdk.Stack) {
			cert := awscertificatemanager.Certificate_FromCertificateArn(s, jsii.String("C"), jsii.String("arn:aws:acm:us-east-1:1:certificate/x"))
			newAPI(s, httpapi.RouteOptions{}).AddDomain("D", &httpapi.DomainOptions{Name: "api.example.com", Certificate: cert, Mappings: []httpapi.DomainMapping{{Stage: "$default", Key: "/v1/"}}})
		}, `httpapi: DomainOptions.Mappings[0].Key "/v1/" is not allowed: use path segments of letters, digits and ._~- without leading or trailing '/'`},
		{"mutual TLS without truststore", func(s awscdk.Stack) {
			cert := awscertificatemanager.Certificate_FromCertificateArn(s, jsii.String("C"), jsii.String("arn:aws:acm:us-east-1:1:certificate/x"))
			newAPI(s, httpapi.RouteOptions{}).AddDomain("D", &httpapi.DomainOptions{Name: "api.example.com", Certificate: cert, MutualTLS: &httpapi.MutualTLS{}})
		}, "httpapi: DomainOptions.MutualTLS needs a Bucket and the Key of the truststore"},
		{"the same domain twice", func(s awscdk.Stack) {
			cert := awscertificatemanager.Certificate_FromCertificateArn(s, jsii.String("C"), jsii.String("arn:aws:acm:us-east-1:1:certificate/x"))
			api := newAPI(s, httpapi.RouteOptions{})
			api.AddDomain("D1", &httpapi.DomainOptions{Name: "api.example.com", Certificate: cert})
			api.AddDomain("D2", &httpapi.DomainOptions{Name: "api.example.com", Certificate: cert})
		}, `httpapi: DomainOptions.Name "api.example.com" is already a domain of this API (AddDomain "D1"): a custom domain name exists once per account and region; add Mappings to that one`},
		{"more than 200 multi-level mappings", func(s awscdk.Stack) {
			cert := awscertificatemanager.Certificate_FromCertificateArn(s, jsii.String("C"), jsii.String("arn:aws:acm:us-east-1:1:certificate/x"))
			var mappings []httpapi.DomainMapping
			for i := range 201 {
				mappings = append(mappings, httpapi.DomainMapping{Stage: "$default", Key: fmt.Sprintf("v1/m%d", i)})
			}
			newAPI(s, httpapi.RouteOptions{}).AddDomain("D", &httpapi.DomainOptions{Name: "api.example.com", Certificate: cert, Mappings: mappings})
		}, "httpapi: DomainOptions.Mappings: 201 multi-level mappings (keys with '/') exceed the HTTP API quota of 200 per domain"},
		{"$default mapping without $default", func(s awscdk.Stack) {
			api := httpapi.New(s, "Api", &httpapi.Props{NoDefaultStage: true, Stages: []httpapi.StageOptions{{Name: "v1"}}})
			api.AddDomain("D", &httpapi.DomainOptions{Name: "api.example.com", Certificate: testCert(s), Mappings: []httpapi.DomainMapping{{Stage: "$default"}}})
		}, `httpapi: DomainOptions.Mappings[0].Stage "$default" is not a stage of this API: it has Props.NoDefaultStage; map one of its named stages`},
	})
}
