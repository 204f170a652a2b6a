// Lambda proxy integrations: one per function and integration options, shared by its routes.

package httpapi

import (
	"fmt"
	"slices"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/jsii-runtime-go"

	"github.com/httpapi-cdk/httpapi/quota"
)

// lambdaIntegration is a Lambda proxy integration that, unlike the L2
// HttpLambdaIntegration, grants no invoke permission when bound: the API's
// permission planner grants them all at once, scoped per method and path and
// sized to fit the function's resource policy.
type lambdaIntegration struct {
	awsapigatewayv2.HttpRouteIntegration
	fn      awslambda.IFunction
	options RouteOptions
}

// integration returns the integration for fn with o's payload format and
// timeout, creating it on first use: one per function and options.
func (t *routeTable) integration(fn awslambda.IFunction, o *RouteOptions) *lambdaIntegration {
	key := fmt.Sprintf("%s|%s|%s", *awscdk.Names_NodeUniqueId(fn.Node()), o.PayloadFormat, o.IntegrationTimeout)
	if i, ok := t.integrations[key]; ok {
		return i
	}
	if !slices.Contains(t.functions, fn) {
		t.functions = append(t.functions, fn)
	}
	i := &lambdaIntegration{fn: fn, options: *o}
	id := fmt.Sprintf("Integration%d", len(t.integrations)+1)
	awsapigatewayv2.NewHttpRouteIntegration_Override(i, jsii.String(id))
	t.integrations[key] = i
	return i
}

// Bind implements awsapigatewayv2.HttpRouteIntegration. The L2 calls it once
// per API and shares the resulting integration among the routes bound to it.
func (i *lambdaIntegration) Bind(_ *awsapigatewayv2.HttpRouteIntegrationBindOptions) *awsapigatewayv2.HttpRouteIntegrationConfig {
	c := &awsapigatewayv2.HttpRouteIntegrationConfig{
		Type:                 awsapigatewayv2.HttpIntegrationType_AWS_PROXY,
		Uri:                  i.fn.FunctionArn(),
		PayloadFormatVersion: awsapigatewayv2.PayloadFormatVersion_Custom(jsii.String(string(i.options.PayloadFormat))),
	}
	// The L2 rejects timeouts above 29 s (the REST API limit), but HTTP APIs
	// allow 30 s, which is also CloudFormation's default for them: leave
	// TimeoutInMillis unset for 30 s.
	if i.options.IntegrationTimeout < quota.MaxIntegrationTimeout {
		c.Timeout = awscdk.Duration_Millis(jsii.Number(float64(i.options.IntegrationTimeout.Milliseconds())))
	}
	return c
}
