package local

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

func TestResolve(t *testing.T) {
	tpl := &template{region: "eu-west-3", Parameters: map[string]any{"P": map[string]any{}},
		Resources: map[string]resource{"Table": {Type: "AWS::DynamoDB::Table"}}}
	for _, tc := range []struct {
		value, want, err string
	}{
		{`"plain"`, "plain", ""},
		{`{"Ref": "AWS::Region"}`, "eu-west-3", ""},
		{`{"Fn::Join": [":", ["arn", {"Ref": "AWS::Partition"}, {"Ref": "AWS::AccountId"}]]}`, "arn:aws:123456789012", ""},
		{`{"Fn::Sub": "a-${AWS::Region}-${!Literal}"}`, "a-eu-west-3-${Literal}", ""},
		{`{"Ref": "Table"}`, "", "physical id of Table (AWS::DynamoDB::Table)"},
		{`{"Ref": "P"}`, "", "parameter P, set at deploy time"},
		{`{"Ref": "Nowhere"}`, "", "its value is Nowhere, which has no value before deployment"},
		{`{"Fn::Sub": "${Table.Arn}"}`, "", "attribute ${Table.Arn}"},
		{`{"Fn::Join": ["", "not a list"]}`, "", "has no value before deployment"},
		{`{"Fn::ImportValue": "Shared"}`, "", "has no value before deployment"},
		{`42`, "", "42 has no value before deployment"},
	} {
		var v any
		if err := json.Unmarshal([]byte(tc.value), &v); err != nil {
			t.Fatal(err)
		}
		got, err := tpl.resolve(v)
		if got != tc.want || (err == nil) != (tc.err == "") || err != nil && !strings.Contains(err.Error(), tc.err) {
			t.Errorf("resolve(%s) = %q, %v; want %q, error with %q", tc.value, got, err, tc.want, tc.err)
		}
	}
}

// A function's environment variables are resolved like other values; one
// only deployment can give a value is empty, and reported.
func TestEnvironmentResolved(t *testing.T) {
	tpl := strings.Replace(apiTemplate(`{"Audience": ["c"], "Issuer": "https://issuer.example"}`), `"Properties": {"Timeout": 10}`,
		`"Properties": {"Timeout": 10, "Environment": {"Variables": {"PLAIN": "x", "ARN": {"Fn::Sub": "arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:q"}, "POOL": {"Ref": "Pool"}}}}`, 1)
	api := loadAPI(t, tpl)
	env := api.Functions["Echo"].Environment
	if env["PLAIN"] != "x" || env["ARN"] != "arn:aws:sqs:us-east-1:123456789012:q" || env["POOL"] != "" {
		t.Errorf("environment %q", env)
	}
	want := Problem{"Echo", "environment variable POOL is empty: its value is the physical id of Pool (AWS::Cognito::UserPool), which exists only once deployed"}
	found := false
	for _, p := range api.Problems {
		found = found || p == want
		if strings.Contains(p.Message, "PLAIN") || strings.Contains(p.Message, "ARN") {
			t.Errorf("problem for a resolved variable: %s", p)
		}
	}
	if !found {
		t.Errorf("problems %v lack %v", api.Problems, want)
	}
}

// Stage variables and CORS origins are resolved too: one only deployment
// can give a value is reported, a stage variable empty, an origin not
// allowed; neither stops the template from loading.
func TestStageVariablesAndOriginsResolved(t *testing.T) {
	tpl := apiTemplate(`{"Audience": ["c"], "Issuer": "https://issuer.example"}`)
	tpl = strings.Replace(tpl, `"AutoDeploy": true,`, `"AutoDeploy": true, "StageVariables": {"region": {"Ref": "AWS::Region"}, "pool": {"Ref": "Pool"}},`, 1)
	tpl = strings.Replace(tpl, `"ProtocolType": "HTTP"}`, `"ProtocolType": "HTTP", "CorsConfiguration": {"AllowOrigins": ["https://a.example", {"Fn::Sub": "https://${AWS::Region}.example"}, {"Fn::GetAtt": ["Pool", "ProviderURL"]}]}}`, 1)
	api := loadAPI(t, tpl)
	if v := api.Stages[0].Variables; v["region"] != "us-east-1" || v["pool"] != "" || len(v) != 2 {
		t.Errorf("stage variables %q", v)
	}
	if o := strings.Join(api.Cors.AllowOrigins, " "); o != "https://a.example https://us-east-1.example" {
		t.Errorf("origins %s", o)
	}
	var all []string
	for _, p := range api.Problems {
		all = append(all, p.String())
	}
	for _, want := range []string{
		"Stage: stage variable pool is empty: its value is the physical id of Pool (AWS::Cognito::UserPool)",
		`Api: a CORS origin is not allowed, since {"Fn::GetAtt":["Pool","ProviderURL"]} has no value before deployment`,
	} {
		if !strings.Contains(strings.Join(all, "\n"), want) {
			t.Errorf("problems lack %q:\n%s", want, strings.Join(all, "\n"))
		}
	}
}

// The function's process gets what Lambda sets from its configuration: the
// application log level of its LoggingConfig and its stack's region.
func TestFunctionEnvironmentFromConfiguration(t *testing.T) {
	tpl := strings.Replace(apiTemplate(`{"Audience": ["c"], "Issuer": "https://issuer.example"}`), `"Properties": {"Timeout": 10}`,
		`"Properties": {"Timeout": 10, "LoggingConfig": {"LogFormat": "JSON", "ApplicationLogLevel": "WARN", "SystemLogLevel": "WARN"}}`, 1)
	fn := loadAPI(t, tpl).Functions["Echo"]
	if fn.LogLevel != "WARN" || fn.Region != DefaultRegion {
		t.Fatalf("LogLevel %q, Region %q", fn.LogLevel, fn.Region)
	}
	env := (&pool{fn: fn}).env("127.0.0.1:1/secret")
	for _, want := range []string{"AWS_LAMBDA_LOG_LEVEL=WARN", "AWS_REGION=" + DefaultRegion, "AWS_LAMBDA_LOG_FORMAT=JSON"} {
		if !slices.Contains(env, want) {
			t.Errorf("environment %q lacks %s", env, want)
		}
	}
	fn.LogLevel, fn.Region = "", "eu-west-1"
	env = (&pool{fn: fn}).env("127.0.0.1:1/secret")
	if !slices.Contains(env, "AWS_REGION=eu-west-1") || slices.ContainsFunc(env, func(s string) bool { return strings.HasPrefix(s, "AWS_LAMBDA_LOG_LEVEL=") }) {
		t.Errorf("environment %q: want AWS_REGION=eu-west-1 and no log level", env)
	}
}
