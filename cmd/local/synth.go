// -synth: the command -watch runs to synthesize the app again when its Go sources change.

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"github.com/httpapi-cdk/httpapi/internal/assemblymeta"
)

// defaultSynth is -synth's default: the CDK CLI, which reads cdk.json
// (its "app" and the feature flags of its context), as `cdk synth` does.
const defaultSynth = "cdk synth --quiet"

// synthCommand returns the program and arguments of -synth for the cloud
// assembly cdkOut, or nil when spec is empty (off). A leading "cdk" is
// the app's own pinned CLI when it has one (.tools/bin/cdk, which runs it
// on the pinned Node.js), else the cdk on PATH; --output names cdkOut
// unless spec names an output itself, so that the emulator reloads what
// the command writes.
func synthCommand(spec, cdkOut string) []string {
	args := strings.Fields(spec)
	if len(args) == 0 {
		return nil
	}
	if args[0] == "cdk" {
		if app, err := assemblymeta.AppDir(cdkOut); err == nil {
			if pinned := filepath.Join(app, ".tools", "bin", "cdk"); isExecutable(pinned) {
				args[0] = pinned
			} else if onPath, err := exec.LookPath("cdk"); err == nil {
				args[0] = onPath
			}
		}
		if !slices.ContainsFunc(args, func(a string) bool {
			return a == "-o" || a == "--output" || strings.HasPrefix(a, "--output=")
		}) {
			if abs, err := filepath.Abs(cdkOut); err == nil {
				args = append(args, "--output", abs)
			}
		}
	}
	return args
}

func isExecutable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0
}
