package assemblymeta

import (
	"os"
	"path/filepath"
	"sync"
	"testing"
)

func TestAppDir(t *testing.T) {
	root := t.TempDir()
	app := filepath.Join(root, "app")
	for _, out := range []string{filepath.Join(app, "cdk.out"), filepath.Join(app, "build", "cdk.out"), filepath.Join(root, "elsewhere")} {
		var wg sync.WaitGroup
		for range 4 { // parallel syntheses into one directory
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := WriteAppDir(out, app); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		if got, err := AppDir(out); err != nil || got != app {
			t.Errorf("%s: AppDir = %q, %v; want %q", out, got, err, app)
		}
		if leftovers, _ := filepath.Glob(filepath.Join(out, AppDirFile+".*")); len(leftovers) > 0 {
			t.Errorf("temporary files left: %v", leftovers)
		}
	}
	// An assembly from before the file existed: the app is above it.
	old := filepath.Join(root, "old", "cdk.out")
	if got, err := AppDir(old); err != nil || got != filepath.Join(root, "old") {
		t.Errorf("without %s: %q, %v", AppDirFile, got, err)
	}
	// A file that names no relative directory is refused, not followed.
	bad := filepath.Join(root, "bad")
	os.MkdirAll(bad, 0o755)
	for _, content := range []string{`{"appDir":"/etc"}`, `{}`, `not json`} {
		os.WriteFile(filepath.Join(bad, AppDirFile), []byte(content), 0o644)
		if got, err := AppDir(bad); err == nil {
			t.Errorf("%s: AppDir = %q, want an error", content, got)
		}
	}
}
