package gofunction

import (
	"path/filepath"
	"testing"

	"github.com/httpapi-cdk/httpapi/internal/gosource/gosourcetest"
)

// TestAssetHashFollowsEdits edits each kind of file a build reads, and a
// few it does not, and requires the asset hash to change exactly when the
// build does, and a build racing the edit not to be cached under the old
// hash. local's TestWatchFollowsEdits checks the emulator against the same
// table.
func TestAssetHashFollowsEdits(t *testing.T) {
	t.Setenv("GOPROXY", "off")
	for _, e := range gosourcetest.Edits {
		t.Run(e.Name, func(t *testing.T) {
			freshBuildCache(t)
			root := t.TempDir()
			if err := gosourcetest.Write(root, e.Files); err != nil {
				t.Fatal(err)
			}
			t.Chdir(filepath.Join(root, e.Dir))
			before := resolveIn(t, e.Package, "arm64")
			if err := gosourcetest.Write(root, e.Edit); err != nil {
				t.Fatal(err)
			}
			after := resolveIn(t, e.Package, "arm64")
			if changed := after.hash != before.hash; changed != e.Changes {
				t.Errorf("the asset hash changed: %v, want %v", changed, e.Changes)
			}
			if unchanged := before.unchanged(); unchanged == e.Changes {
				t.Errorf("a build that raced the edit would be cached under the old hash: %v, want %v", unchanged, !e.Changes)
			}
		})
	}
}
