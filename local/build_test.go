package local

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/httpapi-cdk/httpapi/internal/localtest"
)

// TestBuildRefusesUntrustedValues: a function's package and logical id come
// from a template; a value that the go command would take for a flag, or
// a logical id that would put the binary elsewhere, is refused before any
// go command runs.
func TestBuildRefusesUntrustedValues(t *testing.T) {
	for _, tc := range []struct {
		fn   Function
		want string
	}{
		{Function{LogicalID: "Fn", GoPackage: "-toolexec=/bin/sh"},
			`building Fn: GoPackage "-toolexec=/bin/sh" is not allowed: it starts with '-', which the go command would take for a flag`},
		{Function{LogicalID: "Fn", GoPackage: "./..."},
			`building Fn: GoPackage "./..." is not allowed: it is a pattern that can match several packages`},
		{Function{LogicalID: "../../bin/Fn", GoPackage: "./hellofn"},
			`building function "../../bin/Fn": a logical id must be 1 to 255 letters and digits`},
	} {
		_, err := build(context.Background(), &tc.fn, t.TempDir(), io.Discard, nil)
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("build(%+v) = %v, want an error starting with %q", tc.fn, err, tc.want)
		}
	}
}

// TestBinaryStore: builds of an unchanged group in one build directory
// link nothing (each function's binary is the store's file, the same file
// as the last build's), an edit gives a new file while the old one keeps
// its content for the processes running it, and builds of the same group
// at once each get a complete binary.
func TestBinaryStore(t *testing.T) {
	mod := t.TempDir()
	localtest.WriteFiles(t, mod, map[string]string{"go.mod": localtest.VersionGoMod, "main.go": localtest.VersionSource(t, "store-v1")})
	store := t.TempDir()
	fn := &Function{LogicalID: "Fn", GoPackage: localtest.VersionModule, ModulePath: localtest.VersionModule, ModuleDir: mod}
	round := func(name string) string {
		t.Helper()
		dir := filepath.Join(store, name)
		if err := os.MkdirAll(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		b := buildTogether(context.Background(), []*Function{fn}, store, dir, io.Discard, nil)[fn]
		if b.err != nil {
			t.Fatal(b.err)
		}
		return b.binary
	}
	stat := func(path string) os.FileInfo {
		t.Helper()
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		return fi
	}
	first := round("1")
	v1, err := os.ReadFile(first)
	if err != nil {
		t.Fatal(err)
	}
	if again := round("2"); !os.SameFile(stat(first), stat(again)) {
		t.Errorf("a build with nothing changed made another binary: linked again")
	}
	localtest.WriteFiles(t, mod, map[string]string{"main.go": localtest.VersionSource(t, "store-v2")})
	edited := round("3")
	if os.SameFile(stat(first), stat(edited)) {
		t.Fatalf("the build after an edit is the binary of before it")
	}
	if b, _ := os.ReadFile(first); !bytes.Equal(b, v1) {
		t.Errorf("the build after an edit rewrote the earlier binary, which its processes run")
	}
	if b, _ := os.ReadFile(edited); bytes.Equal(b, v1) || !bytes.Contains(b, []byte("store-v2")) {
		t.Errorf("the build after an edit is not v2's")
	}
	localtest.WriteFiles(t, mod, map[string]string{"main.go": localtest.VersionSource(t, "store-v3")})
	var wg sync.WaitGroup
	bins := make([]string, 4)
	for i := range bins {
		wg.Go(func() { bins[i] = round("at-once-" + strconv.Itoa(i)) })
	}
	wg.Wait()
	for _, bin := range bins {
		if b, err := os.ReadFile(bin); err != nil || !bytes.Contains(b, []byte("store-v3")) {
			t.Errorf("%s: not v3's binary (%v)", bin, err)
		}
		if !os.SameFile(stat(bins[0]), stat(bin)) {
			t.Errorf("builds at once of one group linked more than once")
		}
	}
}

// TestTrimStore: entries nobody built into for 5 days are removed, and so
// are those whose module directory is gone, unless a build holds them;
// the others stay.
func TestTrimStore(t *testing.T) {
	store, module := t.TempDir(), t.TempDir()
	now := time.Now()
	for name, e := range map[string]struct {
		age    time.Duration
		module string
	}{
		"old":        {6 * 24 * time.Hour, module},
		"held":       {6 * 24 * time.Hour, module},
		"recent":     {time.Hour, module},
		"moduleGone": {time.Hour, filepath.Join(module, "gone")},
		"currentDir": {time.Hour, ""},
	} {
		localtest.WriteFiles(t, store, map[string]string{name + "/bin": "binary", name + "/" + moduleFile: e.module, name + ".lock": ""})
		os.Chtimes(filepath.Join(store, name+".lock"), now.Add(-e.age), now.Add(-e.age))
	}
	held, err := os.OpenFile(filepath.Join(store, "held.lock"), os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	if err := lockFile(held); errors.Is(err, errors.ErrUnsupported) {
		t.Skip("no file locks on this system: the store is not shared, nor trimmed")
	} else if err != nil {
		t.Fatal(err)
	}
	trimStore(store, now)
	for name, want := range map[string]bool{"old": false, "held": true, "recent": true, "moduleGone": false, "currentDir": true} {
		_, err := os.Stat(filepath.Join(store, name, "bin"))
		if got := err == nil; got != want {
			t.Errorf("entry %s kept: %v, want %v", name, got, want)
		}
	}
}

// TestBinaryStoreSkippedPackage: go build -o DIR passes over a package
// that is no longer a main package without an error; the function must
// not run the binary the store kept from before.
func TestBinaryStoreSkippedPackage(t *testing.T) {
	mod := t.TempDir()
	main := func(version string) string {
		return "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"" + version + "\") }\n"
	}
	localtest.WriteFiles(t, mod, map[string]string{"go.mod": "module example.com/two\n\ngo 1.22\n", "a/main.go": main("a-v1"), "b/main.go": main("b-v1")})
	store := t.TempDir()
	fns := []*Function{
		{LogicalID: "A", GoPackage: "example.com/two/a", ModulePath: "example.com/two", ModuleDir: mod},
		{LogicalID: "B", GoPackage: "example.com/two/b", ModulePath: "example.com/two", ModuleDir: mod},
	}
	round := func(name string) map[*Function]built {
		dir := filepath.Join(store, name)
		if err := os.MkdirAll(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		return buildTogether(context.Background(), fns, store, dir, io.Discard, nil)
	}
	first := round("1")
	if first[fns[1]].err != nil {
		t.Fatal(first[fns[1]].err)
	}
	localtest.WriteFiles(t, mod, map[string]string{"b/main.go": "package b\n\nconst Version = \"b-v2\"\n"})
	second := round("2")
	if second[fns[0]].err != nil {
		t.Fatal(second[fns[0]].err)
	}
	b := second[fns[1]]
	if b.err == nil {
		old, _ := os.Stat(first[fns[1]].binary)
		if now, err := os.Stat(b.binary); err == nil && os.SameFile(old, now) {
			t.Errorf("B, no longer a main package, runs its binary of before")
		}
		if content, _ := os.ReadFile(b.binary); bytes.Contains(content, []byte("b-v1")) {
			t.Errorf("B's build holds b-v1's code")
		}
		t.Fatalf("B, no longer a main package, built: %s", b.binary)
	}
	if !strings.Contains(b.err.Error(), "not a main package") {
		t.Errorf("B's build error does not say why: %v", b.err)
	}
}

// TestLockEntryFollowsTheName: a build waiting for an entry whose lock
// file is removed (trimStore) and made anew by another build locks the
// file that has the name, once that build lets it go, not the removed one.
func TestLockEntryFollowsTheName(t *testing.T) {
	name := filepath.Join(t.TempDir(), "entry.lock")
	trim, err := os.OpenFile(name, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if err := lockFile(trim); errors.Is(err, errors.ErrUnsupported) {
		t.Skip("no file locks on this system")
	} else if err != nil {
		t.Fatal(err)
	}
	got := make(chan *os.File, 1)
	go func() {
		f, err := lockEntry(context.Background(), name, io.Discard)
		if err != nil {
			t.Error(err)
		}
		got <- f
	}()
	time.Sleep(3 * storeWait)
	os.Remove(name) // the trim removes the entry, then lets its lock go
	other, err := os.OpenFile(name, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if err := lockFile(other); err != nil {
		t.Fatal(err) // another build takes the new lock file first
	}
	trim.Close()
	select {
	case f := <-got:
		t.Fatalf("the waiting build took %s while another build held it", f.Name())
	case <-time.After(5 * storeWait):
	}
	other.Close()
	f := <-got
	defer f.Close()
	held, _ := f.Stat()
	named, err := os.Stat(name)
	if err != nil || !os.SameFile(held, named) {
		t.Errorf("the waiting build holds a file that no longer has the name (%v)", err)
	}
}

// TestStoreEntryAfterAnUnfinishedBuild: an entry whose last go build did
// not end by itself (killed while writing a binary) loses its binaries
// before the next build looks at them.
func TestStoreEntryAfterAnUnfinishedBuild(t *testing.T) {
	entry := t.TempDir()
	localtest.WriteFiles(t, entry, map[string]string{"fn": "half a binary", moduleFile: "/somewhere", buildingFile: ""})
	if err := startBuilding(entry); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(entry, "fn")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the binary of an unfinished build is still there (%v)", err)
	}
	for _, keep := range []string{moduleFile, buildingFile} {
		if _, err := os.Stat(filepath.Join(entry, keep)); err != nil {
			t.Errorf("%s: %v", keep, err)
		}
	}
}

// TestBuildWithoutAStore: when the store cannot be opened (here, a file
// where its directory should be), the functions are still built, each
// on its own.
func TestBuildWithoutAStore(t *testing.T) {
	mod := t.TempDir()
	localtest.WriteFiles(t, mod, map[string]string{"go.mod": localtest.VersionGoMod, "main.go": localtest.VersionSource(t, "no-store")})
	store := filepath.Join(t.TempDir(), "store")
	if err := os.WriteFile(store, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	fn := &Function{LogicalID: "Fn", GoPackage: localtest.VersionModule, ModulePath: localtest.VersionModule, ModuleDir: mod}
	b := buildTogether(context.Background(), []*Function{fn}, store, t.TempDir(), io.Discard, nil)[fn]
	if b.err != nil {
		t.Fatal(b.err)
	}
	if content, _ := os.ReadFile(b.binary); !bytes.Contains(content, []byte("no-store")) {
		t.Errorf("%s is not the function's build", b.binary)
	}
}

// TestOwnStore: the emulator keeps builds only in a store that is this
// user's alone; another user could put binaries in one writable by
// others, or owned by someone else.
func TestOwnStore(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("owners and modes are not checked on Windows")
	}
	root := t.TempDir()
	mine := filepath.Join(root, "mine")
	if err := ownStore(mine); err != nil {
		t.Errorf("a new store: %v", err)
	}
	shared := filepath.Join(root, "shared")
	os.Mkdir(shared, 0o777)
	os.Chmod(shared, 0o777)
	if err := ownStore(shared); err == nil || !strings.Contains(err.Error(), "writable by others") {
		t.Errorf("a store writable by others: %v", err)
	}
	file := filepath.Join(root, "file")
	os.WriteFile(file, nil, 0o600)
	if err := ownStore(file); err == nil {
		t.Errorf("a file where the store should be: no error")
	}
	if os.Getuid() == 0 { // root can give a directory away
		theirs := filepath.Join(root, "theirs")
		os.Mkdir(theirs, 0o700)
		if err := os.Chown(theirs, 4242, 4242); err != nil {
			t.Fatal(err)
		}
		if err := ownStore(theirs); err == nil || !strings.Contains(err.Error(), "owned by user 4242") {
			t.Errorf("a store owned by another user: %v", err)
		}
	}
}
