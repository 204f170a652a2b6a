// requestContext.authorizer.iam of a 2.0 event, with the nulls API Gateway sends.

package proxyevent

import "github.com/aws/aws-lambda-go/events"

// iamAuthorizerV2 is requestContext.authorizer.iam of a 2.0 event. Not
// aws-lambda-go's type: that one writes cognitoIdentity as an object of
// empty fields and principalOrgId as "" when the caller has neither, where
// API Gateway sends null (fixture powertoolsts-apigw-http-iam-auth.json;
// docs/api-gateway-behavior.md R-AUTH-15).
type iamAuthorizerV2 struct {
	AccessKey       string                                                          `json:"accessKey"`
	AccountID       string                                                          `json:"accountId"`
	CallerID        string                                                          `json:"callerId"`
	CognitoIdentity *events.APIGatewayV2HTTPRequestContextAuthorizerCognitoIdentity `json:"cognitoIdentity"`
	PrincipalOrgID  *string                                                         `json:"principalOrgId"`
	UserARN         string                                                          `json:"userArn"`
	UserID          string                                                          `json:"userId"`
}

// newIAMAuthorizerV2 renders an IAM caller as a 2.0 event carries it.
func newIAMAuthorizerV2(d *events.APIGatewayV2HTTPRequestContextAuthorizerIAMDescription) iamAuthorizerV2 {
	v := iamAuthorizerV2{AccessKey: d.AccessKey, AccountID: d.AccountID, CallerID: d.CallerID, UserARN: d.UserARN, UserID: d.UserID}
	if c := d.CognitoIdentity; c.IdentityID != "" || c.IdentityPoolID != "" || len(c.AMR) > 0 {
		v.CognitoIdentity = &c
	}
	if d.PrincipalOrgID != "" {
		v.PrincipalOrgID = &d.PrincipalOrgID
	}
	return v
}
