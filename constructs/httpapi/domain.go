// Custom domains (AddDomain): the domain name, its certificate, stage mappings and alias records.

package httpapi

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscertificatemanager"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsroute53"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsroute53targets"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/httpapi-cdk/httpapi/internal/propcheck"
	"github.com/httpapi-cdk/httpapi/quota"
)

// DomainOptions configure a custom domain of an [API].
type DomainOptions struct {
	// Name is the domain name, such as "api.example.com", once per API.
	// Required.
	Name string

	// Certificate is an ACM certificate for Name in the API's region.
	// Default: a new certificate validated through HostedZone's DNS; then
	// HostedZone is required.
	Certificate awscertificatemanager.ICertificate

	// HostedZone is the Route 53 zone of Name: an A alias record pointing
	// Name at the API is created in it, and an AAAA alias record too when
	// the domain is DualStack.
	// Default: none; point your DNS at Domain.DomainName().RegionalDomainName().
	HostedZone awsroute53.IHostedZone

	// Mappings choose which stages the domain serves, and under which
	// path: at most 200 multi-level mappings (keys with '/').
	// Default: the $default stage at the root; for an API with
	// Props.NoDefaultStage, the first of Props.Stages at the root.
	Mappings []DomainMapping

	// IPAddressType is who may call the domain: IPv4 clients only (IPv4),
	// or IPv4 and IPv6 clients (DualStack). It may differ from the API's.
	// Default: the API's Props.IPAddressType.
	IPAddressType IPAddressType

	// MutualTLS requires clients to present a certificate signed by a CA
	// in the truststore.
	// Default: nil, no client certificates.
	MutualTLS *MutualTLS
}

// DomainMapping maps a stage to a path of the domain.
type DomainMapping struct {
	// Stage is the stage's name ("$default" or a named stage). Required.
	Stage string
	// Key is the first path segment(s) the stage is served under on the
	// domain ("v1" serves https://api.example.com/v1/...).
	// Default: "", the root.
	Key string
}

// MutualTLS is a truststore for client certificates.
type MutualTLS struct {
	// Bucket holds the truststore. Required.
	Bucket awss3.IBucket
	// Key is the truststore's object key, a PEM bundle. Required.
	Key string
	// Version is the object version. Default: the latest.
	Version string
}

// Domain is a custom domain name serving an API. Its children are the
// domain name ("DomainName"), the certificate it created ("Certificate"),
// the API mappings ("Mapping<n>"), the alias records ("AliasRecord", A,
// and "AliasRecordIPv6", AAAA) and the URL output ("Url").
type Domain interface {
	constructs.Construct
	// DomainName returns the L2 domain name.
	DomainName() awsapigatewayv2.DomainName
	// Certificate returns the domain's certificate.
	Certificate() awscertificatemanager.ICertificate
	// URL returns https://Name/.
	URL() *string
}

type domain struct {
	constructs.Construct
	name        awsapigatewayv2.DomainName
	certificate awscertificatemanager.ICertificate
	url         *string
}

func (d *domain) DomainName() awsapigatewayv2.DomainName          { return d.name }
func (d *domain) Certificate() awscertificatemanager.ICertificate { return d.certificate }
func (d *domain) URL() *string                                    { return d.url }

var (
	domainNamePattern = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$`)
	mappingKeyPattern = regexp.MustCompile(`^[A-Za-z0-9._~-]+(/[A-Za-z0-9._~-]+)*$`)
)

func (a *api) AddDomain(id string, opts *DomainOptions) Domain {
	var o DomainOptions
	if opts != nil {
		o = *opts
	}
	if len(o.Mappings) == 0 {
		o.Mappings = []DomainMapping{{Stage: *a.stages[0].StageName()}}
	}
	if o.IPAddressType == "" {
		o.IPAddressType = a.ipAddressType
	}
	panicInvalid(propcheck.In("DomainOptions", a.validateDomain(&o)))
	d := &domain{url: jsii.String("https://" + o.Name + "/")}
	constructs.NewConstruct_Override(d, a, &id)
	d.certificate = o.Certificate
	if d.certificate == nil {
		d.certificate = awscertificatemanager.NewCertificate(d, jsii.String("Certificate"), &awscertificatemanager.CertificateProps{
			DomainName: jsii.String(o.Name),
			Validation: awscertificatemanager.CertificateValidation_FromDns(o.HostedZone),
		})
	}
	props := &awsapigatewayv2.DomainNameProps{DomainName: jsii.String(o.Name), Certificate: d.certificate}
	if o.IPAddressType != "" {
		props.IpAddressType = o.IPAddressType.cdk()
	}
	if m := o.MutualTLS; m != nil {
		props.Mtls = &awsapigatewayv2.MTLSConfig{Bucket: m.Bucket, Key: jsii.String(m.Key)}
		if m.Version != "" {
			props.Mtls.Version = jsii.String(m.Version)
		}
	}
	d.name = awsapigatewayv2.NewDomainName(d, jsii.String("DomainName"), props)
	a.table.documentDomain(o.Name, o.Mappings)
	for i, m := range o.Mappings {
		mp := &awsapigatewayv2.ApiMappingProps{Api: a.httpApi, DomainName: d.name, Stage: a.Stage(m.Stage)}
		if m.Key != "" {
			mp.ApiMappingKey = jsii.String(m.Key)
		}
		awsapigatewayv2.NewApiMapping(d, jsii.String(fmt.Sprintf("Mapping%d", i+1)), mp)
	}
	if o.HostedZone != nil {
		target := awsroute53.RecordTarget_FromAlias(awsroute53targets.NewApiGatewayv2DomainProperties(
			d.name.RegionalDomainName(), d.name.RegionalHostedZoneId()))
		awsroute53.NewARecord(d, jsii.String("AliasRecord"), &awsroute53.ARecordProps{
			Zone: o.HostedZone, RecordName: jsii.String(o.Name), Target: target,
		})
		if o.IPAddressType == DualStack {
			awsroute53.NewAaaaRecord(d, jsii.String("AliasRecordIPv6"), &awsroute53.AaaaRecordProps{
				Zone: o.HostedZone, RecordName: jsii.String(o.Name), Target: target,
			})
		}
	}
	awscdk.NewCfnOutput(d, jsii.String("Url"), &awscdk.CfnOutputProps{
		Value: d.url, Description: jsii.String("URL of the custom domain " + o.Name),
	})
	a.domains[o.Name] = id
	a.domainIPTypes = append(a.domainIPTypes, o.IPAddressType)
	return d
}

// validateDomain checks o, a domain of a; its errors name fields of
// DomainOptions.
func (a *api) validateDomain(o *DomainOptions) error {
	if !domainNamePattern.MatchString(o.Name) || len(o.Name) > quota.DomainNameChars {
		return propcheck.Errorf("Name", ` %q is not a domain name: use lower-case labels like "api.example.com"`, o.Name)
	}
	if other, ok := a.domains[o.Name]; ok {
		return propcheck.Errorf("Name", " %q is already a domain of this API (AddDomain %q): a custom domain name exists once per account and region; add Mappings to that one", o.Name, other)
	}
	multiLevel := 0
	for _, m := range o.Mappings {
		if strings.Contains(m.Key, "/") {
			multiLevel++
		}
	}
	if multiLevel > quota.MappingsPerDomain {
		return propcheck.Errorf("Mappings", ": %d multi-level mappings (keys with '/') exceed the HTTP API quota of %d per domain", multiLevel, quota.MappingsPerDomain)
	}
	if err := o.IPAddressType.validate(); err != nil {
		return propcheck.In("IPAddressType", err)
	}
	if o.Certificate == nil && o.HostedZone == nil {
		return propcheck.Errorf("", " for %q needs a Certificate, or a HostedZone to create and validate one in", o.Name)
	}
	keys := map[string]int{} // mapping keys to their index
	for i, m := range o.Mappings {
		field := propcheck.Join("Mappings", propcheck.Index(i))
		if a.Stage(m.Stage) == nil {
			if m.Stage == defaultStageName {
				return propcheck.Errorf(propcheck.Join(field, "Stage"), " %q is not a stage of this API: it has Props.NoDefaultStage; map one of its named stages", m.Stage)
			}
			return propcheck.Errorf(propcheck.Join(field, "Stage"), " %q is not a stage of this API", m.Stage)
		}
		if m.Key != "" && !mappingKeyPattern.MatchString(m.Key) {
			return propcheck.Errorf(propcheck.Join(field, "Key"), " %q is not allowed: use path segments of letters, digits and ._~- without leading or trailing '/'", m.Key)
		}
		if j, ok := keys[m.Key]; ok {
			return propcheck.Errorf(propcheck.Join(field, "Key"), " %q is the key of Mappings[%d] too: map each key once", m.Key, j)
		}
		keys[m.Key] = i
	}
	if m := o.MutualTLS; m != nil && (m.Bucket == nil || m.Key == "") {
		return propcheck.Errorf("MutualTLS", " needs a Bucket and the Key of the truststore")
	}
	return nil
}
