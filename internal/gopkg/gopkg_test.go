package gopkg

import (
	"strings"
	"testing"
)

func TestCheckAccepts(t *testing.T) {
	for _, path := range []string{
		".", "..", "./function", "../app/function", "./my fn", "./function/",
		"github.com/httpapi-cdk/httpapi/function", "example.com/a_b/c-d/e~f/g+h/v2", "handler", "svc/cmd/fn",
	} {
		if err := Check(path); err != nil {
			t.Errorf("Check(%q) = %v, want nil", path, err)
		}
	}
}

func TestCheckRefuses(t *testing.T) {
	for _, tc := range []struct{ path, want string }{
		{"", "it is empty"},
		{"-toolexec=/bin/sh", "it starts with '-', which the go command would take for a flag"},
		{"--", "starts with '-'"},
		{"-o", "starts with '-'"},
		{"./...", "is a pattern that can match several packages"},
		{"github.com/httpapi-cdk/httpapi/function/...", "is a pattern that can match several packages"},
		{"example.com/.../fn", "is a pattern"},
		{"all", "it is a pattern (a go command meta-package)"},
		{"std", "meta-package"},
		{"cmd", "meta-package"},
		{"tool", "meta-package"},
		{"work", "meta-package"},
		{"/abs/function", "is an absolute path"},
		{`C:\function`, "is an absolute path"},
		{"example.com/a b", `it is not an import path (element "a b" holds ' ')`},
		{"example.com//fn", "empty path element"},
		{"example.com/./fn", `element "." starts or ends with a dot`},
		{"example.com/fn;rm", `holds ';'`},
		{"example.com/fn\n", `holds '\n'`},
		{"./fn\x00", "control character"},
	} {
		err := Check(tc.path)
		if err == nil {
			t.Errorf("Check(%q) = nil, want an error containing %q", tc.path, tc.want)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Check(%q) = %q, want it to contain %q", tc.path, err, tc.want)
		}
	}
}

// GOFLAGSTags keeps the tags GOFLAGS sets beside LambdaTag: a -tags flag on
// the go command line replaces GOFLAGS's, so leaving them out would build
// another binary than the user's.
func TestGOFLAGSTags(t *testing.T) {
	for goflags, want := range map[string]string{
		"":                               "lambda.norpc",
		"-mod=mod":                       "lambda.norpc",
		"-tags=prod,zeta -p=4":           "lambda.norpc,prod,zeta",
		`"-tags=a b" -tags=lambda.norpc`: "a,b,lambda.norpc",
	} {
		if got, err := GOFLAGSTags(goflags); err != nil || got != want {
			t.Errorf("GOFLAGSTags(%q) = %q, %v; want %q", goflags, got, err, want)
		}
	}
	if _, err := GOFLAGSTags(`"-tags=a`); err == nil {
		t.Error(`GOFLAGSTags("\"-tags=a") accepted an unterminated string`)
	}
}
