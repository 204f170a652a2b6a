package gofunction

import (
	"os"
	"path/filepath"
	"testing"
)

// The module metadata lets the local emulator find the function's module
// from any directory: its path as go.mod declares it, and its root relative
// to the directory synthesis ran in.
func TestModuleMetadata(t *testing.T) {
	freshBuildCache(t)
	dir := writeModule(t)
	t.Chdir(dir)
	b, _ := buildOK(t, "./cmd/fn", "arm64")
	if b.modulePath != "example.com/svc" {
		t.Errorf("modulePath = %q, want example.com/svc", b.modulePath)
	}
	for _, tc := range []struct{ wd, want string }{
		{dir, "."},
		{filepath.Join(dir, "cmd", "fn"), "../.."},
	} {
		wd, _ := os.Getwd()
		if err := os.Chdir(tc.wd); err != nil {
			t.Fatal(err)
		}
		got, ok := relativeToApp(b.moduleDir)
		os.Chdir(wd)
		if !ok || got != tc.want {
			t.Errorf("from %s: module dir %q, %v; want %q", tc.wd, got, ok, tc.want)
		}
	}
}
