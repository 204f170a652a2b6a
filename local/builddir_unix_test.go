//go:build unix

package local

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// A server's build directory outlives an emulator killed outright (it
// cannot run Close): the next New removes it, and no directory whose
// server still runs.
func TestNewSweepsTheBuildDirsOfKilledEmulators(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	mk := func(name string, withLock bool) string {
		dir := filepath.Join(tmp, name)
		if err := os.MkdirAll(filepath.Join(dir, "sub"), 0o700); err != nil {
			t.Fatal(err)
		}
		if withLock {
			if err := os.WriteFile(filepath.Join(dir, lockName), nil, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		return dir
	}
	dead := mk(buildDirPattern+"dead", true)
	live := mk(buildDirPattern+"live", true)
	unknown := mk(buildDirPattern+"nolock", false)
	other := mk("something-else", true)
	held, err := os.Open(filepath.Join(live, lockName))
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	if err := lockFile(held); err != nil {
		t.Fatal(err)
	}

	srv, err := New(context.Background(), &API{LogicalID: "Api"}, &Options{Log: io.Discard, AccessLog: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	for dir, want := range map[string]bool{dead: false, live: true, unknown: true, other: true, srv.buildDir: true} {
		if _, err := os.Stat(dir); (err == nil) != want {
			t.Errorf("%s: exists %v, want %v", filepath.Base(dir), err == nil, want)
		}
	}
	// A running server's directory is locked: another sweep keeps it.
	sweepBuildDirs(tmp)
	if _, err := os.Stat(srv.buildDir); err != nil {
		t.Errorf("the sweep removed a running server's directory: %v", err)
	}
	srv.Close()
	if _, err := os.Stat(srv.buildDir); !os.IsNotExist(err) {
		t.Errorf("Close left %s: %v", srv.buildDir, err)
	}
}
