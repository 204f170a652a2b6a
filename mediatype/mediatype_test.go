package mediatype

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestOf(t *testing.T) {
	for in, want := range map[string]string{
		"":                                 "",
		"application/json":                 "application/json",
		"Application/JSON; charset=utf-8":  "application/json",
		" text/plain ;charset":             "text/plain",
		"multipart/form-data; boundary=xy": "multipart/form-data",
	} {
		if got := Of(in); got != want {
			t.Errorf("Of(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestRequestAndResponseRules shows API Gateway's request rule and the
// toolkit's response rule side by side: they differ for form data and
// structured-syntax types.
func TestRequestAndResponseRules(t *testing.T) {
	for _, tc := range []struct {
		contentType       string
		request, response bool
	}{
		{"text/plain", true, true},
		{"text/csv; charset=utf-8", true, true},
		{"TEXT/HTML", true, true},
		{"application/json", true, true},
		{"application/json; charset", true, true}, // a malformed parameter is ignored
		{"application/xml", true, true},
		{"application/javascript", true, true},
		{"application/x-www-form-urlencoded", false, true},
		{"multipart/form-data; boundary=x", false, false},
		{"application/problem+json", false, true},
		{"application/atom+xml", false, true},
		{"image/svg+xml", false, true},
		{"application/octet-stream", false, false},
		{"image/png", false, false},
		{"", false, false},
	} {
		if got := RequestIsText(tc.contentType); got != tc.request {
			t.Errorf("RequestIsText(%q) = %v, want %v", tc.contentType, got, tc.request)
		}
		if got := ResponseIsText(tc.contentType); got != tc.response {
			t.Errorf("ResponseIsText(%q) = %v, want %v", tc.contentType, got, tc.response)
		}
	}
}

// TestRequestRuleAgainstCaptures checks RequestIsText against the request
// events aws-lambda-dotnet recorded from real API Gateway: a body arrives
// base64-encoded exactly when its content type is not text.
func TestRequestRuleAgainstCaptures(t *testing.T) {
	files, err := filepath.Glob("../lambdahttp/testdata/events/awslambdadotnet-V2_*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no captured events: %v", err)
	}
	checked := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var ev struct {
			Headers         map[string]string
			Body            string
			IsBase64Encoded bool
		}
		if err := json.Unmarshal(b, &ev); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if ev.Body == "" {
			continue
		}
		var ct string
		for k, v := range ev.Headers {
			if strings.EqualFold(k, "content-type") {
				ct = v
			}
		}
		if RequestIsText(ct) == ev.IsBase64Encoded {
			t.Errorf("%s: content type %q arrived with isBase64Encoded %v, RequestIsText says %v", filepath.Base(f), ct, ev.IsBase64Encoded, RequestIsText(ct))
		}
		checked++
	}
	if checked == 0 {
		t.Fatal("no captured event with a body")
	}
}

func TestIsJSON(t *testing.T) {
	for in, want := range map[string]bool{
		"application/json":                  true,
		"Application/JSON; charset=utf-8":   true,
		"application/merge-patch+json":      true,
		"text/plain":                        false,
		"application/x-www-form-urlencoded": false,
		"text/json+x":                       false,
		"":                                  false,
	} {
		if got := IsJSON(in); got != want {
			t.Errorf("IsJSON(%q) = %v, want %v", in, got, want)
		}
	}
}
