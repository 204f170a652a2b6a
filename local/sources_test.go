package local

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/httpapi-cdk/httpapi/internal/gosource/gosourcetest"
)

// TestWatchFollowsEdits edits each kind of file a build reads, and a few
// it does not, and requires Watch to see a change of the function's
// sources (and so rebuild it) exactly when the build changes.
// gofunction's TestAssetHashFollowsEdits checks the asset hash against the
// same table.
func TestWatchFollowsEdits(t *testing.T) {
	t.Setenv("GOPROXY", "off")
	for _, e := range gosourcetest.Edits {
		t.Run(e.Name, func(t *testing.T) {
			root := t.TempDir()
			if err := gosourcetest.Write(root, e.Files); err != nil {
				t.Fatal(err)
			}
			fn := &Function{LogicalID: "Fn", GoPackage: e.Package, ModulePath: e.Module, ModuleDir: filepath.Join(root, e.Dir)}
			src, err := listSources(context.Background(), fn, nil)
			if err != nil {
				t.Fatal(err)
			}
			before := src.snapshot()
			if err := gosourcetest.Write(root, e.Edit); err != nil {
				t.Fatal(err)
			}
			path := changed(src.snapshot(), before)
			if seen := path != ""; seen != e.Changes {
				t.Errorf("Watch sees a change: %v (%q), want %v", seen, path, e.Changes)
			}
		})
	}
}
