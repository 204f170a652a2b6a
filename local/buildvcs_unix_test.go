//go:build unix

package local

import (
	"context"
	"io"
	"os"
	"path"
	"path/filepath"
	"testing"

	"github.com/httpapi-cdk/httpapi/internal/localtest"
)

// TestBuildWithoutVCS: a function in a repository is built without the
// repository's state, alone and together, whatever GOFLAGS says. Here
// the go command would stamp it and fails instead: the module has a .git
// directory, and the only git on PATH fails.
func TestBuildWithoutVCS(t *testing.T) {
	mod := t.TempDir()
	localtest.WriteFiles(t, mod, map[string]string{"go.mod": localtest.VersionGoMod, "main.go": localtest.VersionSource(t, "no-vcs"), ".git/HEAD": "ref: refs/heads/main\n"})
	bin := t.TempDir()
	localtest.WriteFiles(t, bin, map[string]string{"git": "#!/bin/sh\necho git must not run >&2\nexit 1\n"})
	if err := os.Chmod(filepath.Join(bin, "git"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	t.Setenv("GOFLAGS", "-buildvcs=auto")
	fn := &Function{LogicalID: "Fn", GoPackage: localtest.VersionModule, ModulePath: localtest.VersionModule, ModuleDir: mod}
	if _, err := build(context.Background(), fn, t.TempDir(), io.Discard, nil); err != nil {
		t.Errorf("built alone: %v", err)
	}
	// Together: the binary is the store's, not that of the build alone
	// buildTogether falls back to when the go build of the group fails.
	store := t.TempDir()
	b := buildTogether(context.Background(), []*Function{fn}, store, t.TempDir(), io.Discard, nil)[fn]
	if b.err != nil {
		t.Fatalf("built together: %v", b.err)
	}
	stored, _ := filepath.Glob(filepath.Join(store, "*", path.Base(localtest.VersionModule)))
	if len(stored) != 1 || !sameFile(stored[0], b.binary) {
		t.Errorf("built together: %s is not the store's binary (%q): the group's go build failed", b.binary, stored)
	}
}

func sameFile(a, b string) bool {
	fa, errA := os.Stat(a)
	fb, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(fa, fb)
}
