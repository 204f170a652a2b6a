// The harness of the invalid-props tables: a refused configuration, its exact message, and the functions and values the cases build on.

package test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscertificatemanager"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/jsii-runtime-go"
	"github.com/httpapi-cdk/httpapi/constructs/httpapi"
	"github.com/httpapi-cdk/httpapi/route"
)

// refusal is a configuration a construct must refuse: run builds it in a
// new stack, and must panic with want.
type refusal struct {
	name string
	run  func(s awscdk.Stack)
	want string
}

// testRefusals runs each case in a stack of its own, as a subtest, and
// checks its panic message with checkRefusal.
func testRefusals(t *testing.T, cases []refusal) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			checkRefusal(t, panicMessage(func() { tc.run(newStack()) }), tc.want)
		})
	}
}

// constructPrefixes are the package names a construct's message starts with.
var constructPrefixes = []string{"httpapi: ", "gofunction: "}

// checkRefusal checks got, the message a construct panicked with: it is
// want, and it names the construct's package once, at its start.
func checkRefusal(t *testing.T, got, want string) {
	t.Helper()
	if got != want {
		t.Errorf("panicked with\n  %q\nwant\n  %q", got, want)
	}
	n := 0
	for _, p := range constructPrefixes {
		n += strings.Count(got, strings.TrimSuffix(p, " "))
	}
	if n != 1 || !slices.ContainsFunc(constructPrefixes, func(p string) bool { return strings.HasPrefix(got, p) }) {
		t.Errorf("%q does not start with the package's name, once", got)
	}
}

// apiProps returns a refusal's run: httpapi.New with the props of props,
// given a function with a 10 s timeout.
func apiProps(props func(fn awslambda.IFunction) *httpapi.Props) func(awscdk.Stack) {
	return func(s awscdk.Stack) {
		httpapi.New(s, "Api", props(inlineFunction(s, "Fn", 10*time.Second)))
	}
}

// newAPI creates an API with one route and the given default options.
func newAPI(s awscdk.Stack, o httpapi.RouteOptions) httpapi.API {
	return httpapi.New(s, "Api", &httpapi.Props{Handler: inlineFunction(s, "Fn", time.Second), Routes: keys("GET /a"), RouteOptions: o})
}

// testJWT is a valid JWT authorizer.
func testJWT() *httpapi.JWTAuthorizer {
	return &httpapi.JWTAuthorizer{Issuer: "https://auth.example.com", Audiences: []string{"api"}}
}

// jwtAuthorizer is a JWT authorizer of issuer for audiences.
func jwtAuthorizer(issuer string, audiences ...string) httpapi.Authorizer {
	return &httpapi.JWTAuthorizer{Issuer: issuer, Audiences: audiences}
}

// testCert is an imported ACM certificate, for custom domains.
func testCert(s awscdk.Stack) awscertificatemanager.ICertificate {
	return awscertificatemanager.Certificate_FromCertificateArn(s, jsii.String("C"), jsii.String("arn:aws:acm:us-east-1:1:certificate/x"))
}

// inlineFunction is a function that needs no Go build, for construct tests.
func inlineFunction(stack awscdk.Stack, id string, timeout time.Duration) awslambda.Function {
	return awslambda.NewFunction(stack, jsii.String(id), &awslambda.FunctionProps{
		Runtime: awslambda.Runtime_NODEJS_22_X(),
		Handler: jsii.String("index.handler"),
		Code:    awslambda.Code_FromInline(jsii.String("exports.handler = async () => ({statusCode: 200})")),
		Timeout: awscdk.Duration_Seconds(jsii.Number(timeout.Seconds())),
	})
}

func keys(ss ...string) []route.Key {
	out := make([]route.Key, len(ss))
	for i, s := range ss {
		out[i] = route.MustParse(s)
	}
	return out
}
