package proxyevent

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/google/go-cmp/cmp"
)

// TestIAMAuthorizerAsCaptured renders the caller of the captured IAM event
// and compares requestContext.authorizer.iam with the capture, nulls
// included (docs/api-gateway-behavior.md R-AUTH-15).
func TestIAMAuthorizerAsCaptured(t *testing.T) {
	doc, err := os.ReadFile("../lambdahttp/testdata/events/powertoolsts-apigw-http-iam-auth.json")
	if err != nil {
		t.Fatal(err)
	}
	var captured struct {
		RequestContext struct {
			Authorizer map[string]any `json:"authorizer"`
		} `json:"requestContext"`
	}
	if err := json.Unmarshal(doc, &captured); err != nil {
		t.Fatal(err)
	}
	r := newRequest("/pets/1")
	r.Authorizer = &Authorizer{IAM: &events.APIGatewayV2HTTPRequestContextAuthorizerIAMDescription{
		AccessKey: "ABCAXZWZ5ZDPIFV7JHWH", AccountID: "123456789012", CallerID: "ABCAXZWZ5ZDPNIH6C6ODK:aamorosi",
		UserARN: "arn:aws:sts::123456789012:assumed-role/Admin/aamorosi", UserID: "ABCOAXZWZ5ZDPNIH6C6ODK:aamorosi"}}
	ev, err := r.EventV2()
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		RequestContext struct {
			Authorizer map[string]any `json:"authorizer"`
		} `json:"requestContext"`
	}
	if err := json.Unmarshal(ev, &got); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(captured.RequestContext.Authorizer, got.RequestContext.Authorizer); diff != "" {
		t.Errorf("requestContext.authorizer differs from the capture (-captured +emulated):\n%s", diff)
	}

	// A Cognito identity and an organization are written when known.
	r.Authorizer.IAM.PrincipalOrgID = "o-abc"
	r.Authorizer.IAM.CognitoIdentity.IdentityID = "us-east-1:id"
	ev, err = r.EventV2()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"principalOrgId":"o-abc"`, `"cognitoIdentity":{"amr":null,"identityId":"us-east-1:id","identityPoolId":""}`} {
		if !strings.Contains(string(ev), want) {
			t.Errorf("2.0 event lacks %s:\n%s", want, ev)
		}
	}
}
