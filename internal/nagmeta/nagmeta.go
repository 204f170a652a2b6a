// Package nagmeta writes cdk-nag acknowledgements ("suppressions") as the
// resource metadata cdk-nag reads, without loading cdk-nag's jsii assembly
// at synthesis.
//
// The form is the one cdk-nag documents and its
// NagSuppressions.addResourceSuppressions writes:
//
//	"Metadata": {"cdk_nag": {"rules_to_suppress": [{"id": "AwsSolutions-APIG4", "reason": "..."}]}}
//
// so cdk-nag's rule packs, when a test or a user runs them, honour it.
package nagmeta

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf16"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// metadataKey is the metadata entry cdk-nag reads acknowledgements from.
const metadataKey = "cdk_nag"

// minReason is the shortest reason cdk-nag accepts, in UTF-16 code units.
const minReason = 10

// Acknowledge records on c (a CloudFormation resource, or a construct whose
// default child is one) that cdk-nag's rule is accepted there for reason.
// It appends to the acknowledgements already recorded and drops an exact
// duplicate, as cdk-nag does. A reason with a character beyond Latin-1 is
// stored base64-encoded with "is_reason_encoded": true, as cdk-nag stores it.
//
// It panics when c is not a resource, when rule names a finding ("[...]"),
// or when reason is shorter than 10 characters: cdk-nag refuses those too.
func Acknowledge(c constructs.IConstruct, rule, reason string) {
	if d := c.Node().DefaultChild(); d != nil {
		c = d
	}
	res, ok := c.(awscdk.CfnResource)
	if !ok {
		panic(fmt.Sprintf("nagmeta: %s is not a CloudFormation resource: cdk-nag reads acknowledgements from resources only", *c.Node().Path()))
	}
	if i := strings.IndexByte(rule, '['); i >= 0 && strings.Contains(rule[i:], "]") {
		panic(fmt.Sprintf("nagmeta: rule %q names a finding: acknowledge the rule, with the finding in applies_to", rule))
	}
	if len(utf16.Encode([]rune(reason))) < minReason {
		panic(fmt.Sprintf("nagmeta: the reason for %s, %q, is shorter than cdk-nag's %d characters", rule, reason, minReason))
	}
	entry := map[string]any{"id": rule, "reason": reason}
	for _, r := range reason {
		if r > 0xff {
			entry["reason"] = base64.StdEncoding.EncodeToString([]byte(reason))
			entry["is_reason_encoded"] = true
			break
		}
	}
	rules := recorded(res)
	want, _ := json.Marshal(entry)
	for _, e := range rules {
		if got, _ := json.Marshal(e); string(got) == string(want) {
			return
		}
	}
	res.AddMetadata(jsii.String(metadataKey), map[string]any{"rules_to_suppress": append(rules, entry)})
}

// recorded returns the acknowledgements already on res.
func recorded(res awscdk.CfnResource) []any {
	m, _ := res.GetMetadata(jsii.String(metadataKey)).(map[string]any)
	rules, _ := m["rules_to_suppress"].([]any)
	return rules
}
