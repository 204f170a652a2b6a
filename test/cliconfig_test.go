package test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// TestCLICallsNoAWS: the CDK CLI (2.1100 and later) sends usage telemetry
// to AWS and fetches notices unless told not to; cdk.json, which every CDK
// CLI run of this checkout reads (make synth, make test's tests, the scale
// benchmark) and httpapi init copies into new projects, tells it not to
// (https://docs.aws.amazon.com/cdk/v2/guide/cli-telemetry.html).
func TestCLICallsNoAWS(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "cdk.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		Notices *bool          `json:"notices"`
		Context map[string]any `json:"context"`
	}
	if err := json.Unmarshal(b, &cfg); err != nil {
		t.Fatal(err)
	}
	if cfg.Notices == nil || *cfg.Notices {
		t.Errorf(`cdk.json: "notices" is %v, want false: the CLI would fetch notices from AWS`, cfg.Notices)
	}
	if v, ok := cfg.Context["cli-telemetry"]; !ok || v != false {
		t.Errorf(`cdk.json: context "cli-telemetry" is %v, want false: the CLI would send telemetry to AWS`, v)
	}
}
