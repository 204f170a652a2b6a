package gofunction

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/httpapi-cdk/httpapi/internal/gosource"
)

// settle dates every file and directory under dir an hour back, as if
// written long before the synthesis.
func settle(t *testing.T, dir string) {
	t.Helper()
	old := time.Now().Add(-time.Hour)
	filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err == nil {
			err = os.Chtimes(path, old, old)
		}
		return err
	})
}

// newProcess forgets what this process listed, as a new synthesis would.
func newProcess() {
	memoMu.Lock()
	listMemo = map[string]*listed{}
	memoMu.Unlock()
}

// A later synthesis reuses a stored go list result while the sources'
// content is the same, and lists again after an edit, even one that keeps
// the file's size and time; a result listed while the sources had just
// changed is not stored.
func TestListCache(t *testing.T) {
	freshBuildCache(t)
	dir := writeModule(t)
	t.Chdir(dir)
	lists := 0
	beforeGoList = func() { lists++ }
	t.Cleanup(func() { beforeGoList = nil })
	newProcess()

	settle(t, dir)
	first := resolveIn(t, "./cmd/fn", "arm64")
	newProcess()
	again := resolveIn(t, "./cmd/fn", "arm64")
	if lists != 1 || again.hash != first.hash {
		t.Errorf("unchanged sources: %d go list runs, hash %s then %s; want 1 run and one hash", lists, first.hash, again.hash)
	}

	// An edit that keeps the file's size and time: listed again, and
	// another hash.
	writeFiles(t, dir, map[string]string{"greet/greet.go": "package greet\n\nfunc Hello() string { return \"HELLO\" }\n"})
	settle(t, dir)
	newProcess()
	if same := resolveIn(t, "./cmd/fn", "arm64"); lists != 2 || same.hash == first.hash {
		t.Errorf("after an edit of the same size and time: %d go list runs, hash changed %v", lists, same.hash != first.hash)
	}

	// Another import: listed again, with the imported package's files.
	writeFiles(t, dir, map[string]string{
		"other/other.go": "package other\n\nfunc Hello() string { return \"other\" }\n",
		"cmd/fn/main.go": "package main\n\nimport \"example.com/svc/other\"\n\nfunc main() { println(other.Hello()) }\n",
	})
	settle(t, dir)
	newProcess()
	edited := resolveIn(t, "./cmd/fn", "arm64")
	if lists != 3 || edited.hash == first.hash || !hasFile(edited.src, "example.com/svc/other/other.go") {
		t.Errorf("after an edit of the imports: %d go list runs, hash changed %v, files %v", lists, edited.hash != first.hash, edited.src.Files)
	}

	// Listed just after an edit: used, not stored.
	writeFiles(t, dir, map[string]string{"other/more.go": "package other\n\nconst More = 1\n"})
	newProcess()
	resolveIn(t, "./cmd/fn", "arm64")
	newProcess()
	resolveIn(t, "./cmd/fn", "arm64")
	if lists != 5 {
		t.Errorf("sources listed just after an edit: %d go list runs, want 5 (not stored)", lists)
	}

	// Another shell: variables the go command does not read leave the
	// cache key alone; one it reads makes another key.
	settle(t, dir)
	newProcess()
	resolveIn(t, "./cmd/fn", "arm64") // stored, the sources having settled
	lists = 0
	t.Setenv("OLDPWD", t.TempDir())
	t.Setenv("_", "/usr/local/bin/cdk")
	t.Setenv("CDK_OUTDIR", t.TempDir())
	newProcess()
	resolveIn(t, "./cmd/fn", "arm64")
	if lists != 0 {
		t.Errorf("from another shell: %d go list runs, want 0", lists)
	}
	t.Setenv("GOPROXY", "off")
	newProcess()
	resolveIn(t, "./cmd/fn", "arm64")
	if lists != 1 {
		t.Errorf("with another GOPROXY: %d go list runs, want 1", lists)
	}

	// An assembly file's build constraint decides whether the package
	// has it: an edit of it is an edit of the sources.
	writeFiles(t, dir, map[string]string{"other/x.s": "//go:build ignore\n"})
	settle(t, dir)
	newProcess()
	without := resolveIn(t, "./cmd/fn", "arm64")
	writeFiles(t, dir, map[string]string{"other/x.s": "//go:build arm64\n"})
	settle(t, dir)
	newProcess()
	with := resolveIn(t, "./cmd/fn", "arm64")
	if lists != 3 || with.hash == without.hash || !hasFile(with.src, "example.com/svc/other/x.s") {
		t.Errorf("after an edit of a .s file's build constraint: %d go list runs, hash changed %v, files %v", lists, with.hash != without.hash, with.src.Files)
	}
	// Listed just after an edit of it: used, not stored.
	writeFiles(t, dir, map[string]string{"other/x.s": "//go:build ignore\n"})
	newProcess()
	resolveIn(t, "./cmd/fn", "arm64")
	newProcess()
	resolveIn(t, "./cmd/fn", "arm64")
	if lists != 5 {
		t.Errorf("a .s file listed just after an edit: %d go list runs, want 5 (not stored)", lists)
	}
}

func hasFile(src *gosource.Sources, name string) bool {
	for _, f := range src.Files {
		if f.Name == name {
			return true
		}
	}
	return false
}
