package main

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/httpapi-cdk/httpapi/internal/localtest"
)

func TestSynthCommand(t *testing.T) {
	app := t.TempDir()
	out := filepath.Join(app, "cdk.out")
	localtest.WriteFiles(t, app, map[string]string{"cdk.out/manifest.json": "{}", ".tools/bin/cdk": "#!/bin/sh\n"})
	pinned := filepath.Join(app, ".tools", "bin", "cdk")
	if err := os.Chmod(pinned, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		spec string
		want []string
	}{
		{"", nil},
		{"cdk synth --quiet", []string{pinned, "synth", "--quiet", "--output", out}},
		{"cdk synth -o elsewhere", []string{pinned, "synth", "-o", "elsewhere"}},
		{"make synth", []string{"make", "synth"}},
	} {
		if got := synthCommand(tc.spec, out); !slices.Equal(got, tc.want) {
			t.Errorf("synthCommand(%q) = %q, want %q", tc.spec, got, tc.want)
		}
	}
}
