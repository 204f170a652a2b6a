package test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
)

// secretName matches environment variable names that look like they hold a
// secret: a token, a secret, a password or a key (API_KEY, ALLOWED_TOKENS,
// DB_PASSWORD, ...), in any case.
var secretName = regexp.MustCompile(`(?i)token|secret|passw(or)?d|key`)

// sha256Hex is a hex SHA-256 hash.
var sha256Hex = regexp.MustCompile(`^[0-9a-fA-F]{64}(,[0-9a-fA-F]{64})*$`)

// secretFindings returns the Lambda environment variables of a template
// that carry a secret in clear. The rule: a variable whose name looks like a
// secret (secretName) may not have a literal value, because a literal sits
// in the template, in cdk.out and in the function's configuration, readable
// by anyone who can read those. Allowed are:
//   - a value that is not a literal: a CloudFormation intrinsic such as
//     {"Ref": ...} or {"Fn::GetAtt": ...}, naming where the secret is;
//   - a name ending in _SHA256 whose value is hex SHA-256 hashes
//     (comma-separated): a hash of a random token does not reveal it;
//   - a name ending in _ARN whose value is an ARN: it names a secret in
//     Secrets Manager or Parameter Store, it is not one.
func secretFindings(template []byte) ([]string, error) {
	var tpl struct {
		Resources map[string]struct {
			Type       string
			Properties struct {
				Environment struct {
					Variables map[string]any
				}
			}
		}
	}
	if err := json.Unmarshal(template, &tpl); err != nil {
		return nil, err
	}
	var out []string
	for id, r := range tpl.Resources {
		if r.Type != "AWS::Lambda::Function" {
			continue
		}
		for name, v := range r.Properties.Environment.Variables {
			literal, isLiteral := v.(string)
			upper := strings.ToUpper(name)
			switch {
			case !secretName.MatchString(name) || !isLiteral:
			case strings.HasSuffix(upper, "_SHA256") && sha256Hex.MatchString(literal):
			case strings.HasSuffix(upper, "_ARN") && strings.HasPrefix(literal, "arn:"):
			default:
				out = append(out, fmt.Sprintf("%s: %s = %q", id, name, literal))
			}
		}
	}
	sort.Strings(out)
	return out, nil
}

// TestNoSecretInReferenceTemplates: no reference template (the golden
// files, which TestGoldenTemplates keeps equal to synthesis, and which the
// emulator serves) carries a secret in a function's environment.
func TestNoSecretInReferenceTemplates(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.template.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no templates in testdata: %v", err)
	}
	checked := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		found, err := secretFindings(b)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, s := range found {
			t.Errorf("%s: a secret in clear: %s", f, s)
		}
		checked++
	}
	// The production stack's authorizer holds a hash: the rule applies to it.
	b, err := os.ReadFile(filepath.Join("testdata", "HttpApiProduction.template.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"ALLOWED_TOKEN_SHA256"`) {
		t.Errorf("HttpApiProduction's authorizer has no ALLOWED_TOKEN_SHA256: the check saw no secret-like variable (checked %d templates)", checked)
	}
}

// TestSecretCheckCatchesLiterals: the rule refuses literal secrets and
// accepts hashes, ARNs and references.
func TestSecretCheckCatchesLiterals(t *testing.T) {
	tpl := `{"Resources": {
		"Fn": {"Type": "AWS::Lambda::Function", "Properties": {"Environment": {"Variables": {
			"ALLOWED_TOKENS": "reference-token",
			"api_key": "k-123",
			"DB_PASSWORD": "hunter2",
			"ClientSecret": "s",
			"TOKEN_SHA256": "not-a-hash",
			"ALLOWED_TOKEN_SHA256": "43cde1bf2553c750536e06588f0137730f268536691d4966094acb4cb98ab5e7",
			"API_KEY_ARN": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:api-key",
			"SIGNING_KEY": {"Ref": "SigningKeySecret"},
			"MODE": "production"
		}}}},
		"Other": {"Type": "AWS::SSM::Parameter", "Properties": {"Value": "hunter2"}}
	}}`
	got, err := secretFindings([]byte(tpl))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`Fn: ALLOWED_TOKENS = "reference-token"`,
		`Fn: ClientSecret = "s"`,
		`Fn: DB_PASSWORD = "hunter2"`,
		`Fn: TOKEN_SHA256 = "not-a-hash"`,
		`Fn: api_key = "k-123"`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("findings\n  %q\nwant\n  %q", got, want)
	}
}
