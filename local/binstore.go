// The binary store: where the emulator keeps the output of each group of packages built together, so that a build whose inputs did not change links nothing.

package local

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// storeDir is the directory, in a server's build directory, of its binary
// store when the machine has no user cache directory.
const storeDir = ".bin"

// defaultStore is the binary store of every server: httpapi-local in the
// user's cache directory, kept between runs, so that a restarted emulator
// links only what changed; "" when the machine has no user cache
// directory (then each server keeps its store in its build directory, as
// it does where files cannot be locked).
func defaultStore() string {
	cache, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(cache, "httpapi-local")
}

// ownStore makes the store directory if need be and checks that it is
// this user's alone (see storeOwner): the emulator runs the binaries it
// finds there.
func ownStore(store string) error {
	if err := os.MkdirAll(store, 0o700); err != nil {
		return err
	}
	fi, err := os.Lstat(store)
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return errors.New("not a directory")
	}
	return storeOwner(fi)
}

// storeUnused is how long a store entry is kept without being built into
// (the Go build cache's own limit for unused entries).
const storeUnused = 5 * 24 * time.Hour

// storeTmp is the directory of a store the go command works in (GOTMPDIR):
// on the store's file system, so that go build puts each binary in place
// by renaming it, whole, never by copying it in (a copy cut short would
// leave a file whose build ID says it is up to date).
const storeTmp = ".tmp"

// storeLocks holds a semaphore (a channel of one) per store entry, by
// path: the builds of one process that share a store take turns at an
// entry, each waiting only as long as its context lasts.
var storeLocks sync.Map

// storeTrims holds, per store, the trim this process does of it once:
// every entry waits for it.
var storeTrims sync.Map

// storeWait is how often a build waiting for another process's build of
// the same entry looks again, and storeSay how long it waits before it
// says so.
const (
	storeWait = 50 * time.Millisecond
	storeSay  = time.Second
)

// A storeEntry is the directory in which go build -o writes one group of
// packages: the same for the same group in the same store, so that go
// build finds its earlier binaries there and, as for any target whose
// build ID is still that of its inputs, neither compiles nor links them
// again (the build ID covers every input: sources, toolchain, flags,
// environment; the entry only groups). One build at a time holds an
// entry, in this process and, where files can be locked, in others: go
// build replaces a binary (a rename onto it), never rewrites it, so the
// links or copies taken while it is held keep the files their processes
// run.
type storeEntry struct {
	dir     string   // where go build -o writes
	env     []string // the go command's environment additions (GOTMPDIR)
	release func()
}

// openStoreEntry returns the entry of the packages pkgs of the module in
// moduleDir, built with tags, held until its release; it waits for
// another build of the entry (saying so on log after storeSay) until ctx
// ends. The first entry a process asks of a store removes the entries
// nobody built into for storeUnused or whose module directory is gone.
//
// Where files cannot be locked, it returns a new directory of its own in
// dir, removed by release: every build links, as go build -o into an
// empty directory does.
func openStoreEntry(ctx context.Context, store, dir, moduleDir, tags string, pkgs []string, log io.Writer) (*storeEntry, error) {
	if !fileLocks {
		return privateEntry(dir)
	}
	tmp := filepath.Join(store, storeTmp)
	if err := os.MkdirAll(tmp, 0o700); err != nil {
		return nil, err
	}
	trim, _ := storeTrims.LoadOrStore(store, sync.OnceFunc(func() { trimStore(store, time.Now()) }))
	trim.(func())()
	key := sha256.Sum256([]byte(strings.Join(append(buildArgs(tags, "", pkgs...), moduleDir), "\x00")))
	entry := filepath.Join(store, fmt.Sprintf("%x", key[:12]))
	sem, _ := storeLocks.LoadOrStore(entry, make(chan struct{}, 1))
	select {
	case sem.(chan struct{}) <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	unlock := func() { <-sem.(chan struct{}) }
	lock, err := lockEntry(ctx, entry+".lock", log)
	if err == nil {
		now := time.Now()
		os.Chtimes(lock.Name(), now, now) // in use: see trimStore
		if err = os.MkdirAll(entry, 0o700); err == nil {
			err = os.WriteFile(filepath.Join(entry, moduleFile), []byte(moduleDir), 0o600)
		}
		if err == nil {
			err = startBuilding(entry)
		}
		if err != nil {
			lock.Close()
		}
	}
	if err != nil {
		unlock()
		if !errors.Is(err, errors.ErrUnsupported) {
			return nil, err
		}
		return privateEntry(dir)
	}
	return &storeEntry{dir: entry, env: []string{"GOTMPDIR=" + tmp}, release: func() {
		lock.Close() // and with it the lock
		unlock()
	}}, nil
}

// privateEntry is an entry of one build's own, a new directory in dir,
// removed by release: go build links every binary, as into any empty
// directory.
func privateEntry(dir string) (*storeEntry, error) {
	own, err := os.MkdirTemp(dir, ".packages-")
	if err != nil {
		return nil, err
	}
	return &storeEntry{dir: own, release: func() { os.RemoveAll(own) }}, nil
}

// buildingFile is in a store entry from before its go build starts until
// that build has exited successfully (see built).
const buildingFile = ".building"

// startBuilding marks the entry as being built. When the mark is there
// already, a build of the entry did not end (killed, or failed): its
// binaries, one of which it may have been writing when it stopped, go
// before go build looks at them.
func startBuilding(entry string) error {
	mark := filepath.Join(entry, buildingFile)
	if _, err := os.Stat(mark); err == nil {
		names, err := os.ReadDir(entry)
		if err != nil {
			return err
		}
		for _, n := range names {
			if n.Name() != moduleFile && n.Name() != buildingFile {
				if err := os.RemoveAll(filepath.Join(entry, n.Name())); err != nil {
					return err
				}
			}
		}
	}
	return os.WriteFile(mark, nil, 0o600)
}

// built records that the entry's go build exited successfully: every
// binary in it is whole.
func (e *storeEntry) built() {
	os.Remove(filepath.Join(e.dir, buildingFile))
}

// lockEntry opens and locks the lock file name, creating it, waiting for
// another process's lock until ctx ends. It holds the file that has the
// name once locked: should trimStore have removed the file it waited on,
// it locks the new one.
func lockEntry(ctx context.Context, name string, log io.Writer) (*os.File, error) {
	started, said := time.Now(), false
	for {
		f, err := os.OpenFile(name, os.O_CREATE|os.O_RDWR, 0o600)
		if err != nil {
			return nil, err
		}
		err = lockFile(f)
		if err == nil {
			held, serr := f.Stat()
			named, nerr := os.Stat(name)
			if serr == nil && nerr == nil && os.SameFile(held, named) {
				return f, nil
			}
			f.Close() // removed while we waited: lock the one there now
			continue
		}
		f.Close()
		if errors.Is(err, errors.ErrUnsupported) {
			return nil, err
		}
		if !lockBusy(err) {
			// A file system that cannot lock (NFS without its lock
			// service): no shared entry, then.
			return nil, fmt.Errorf("%w: locking %s: %v", errors.ErrUnsupported, name, err)
		}
		if !said && time.Since(started) > storeSay {
			fmt.Fprintf(log, "local: waiting for another process's build in %s\n", filepath.Dir(name))
			said = true
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(storeWait):
		}
	}
}

// moduleFile is the file of a store entry that holds the directory of the
// module its packages were built in.
const moduleFile = ".module"

// trimStore removes the entries of store that no build holds and that
// either nobody built into since now-storeUnused (their lock file's time)
// or whose module directory is gone (a test's temporary module, a project
// deleted). It removes an entry, then its lock file, while holding that
// lock: a build waiting on the file then locks a new one (see lockEntry).
func trimStore(store string, now time.Time) {
	// And what go commands killed long ago left in the store's GOTMPDIR.
	if work, err := os.ReadDir(filepath.Join(store, storeTmp)); err == nil {
		for _, w := range work {
			if fi, err := w.Info(); err == nil && now.Sub(fi.ModTime()) > time.Hour {
				os.RemoveAll(filepath.Join(store, storeTmp, w.Name()))
			}
		}
	}
	locks, _ := filepath.Glob(filepath.Join(store, "*.lock"))
	for _, name := range locks {
		f, err := os.OpenFile(name, os.O_RDWR, 0)
		if err != nil {
			continue
		}
		if lockFile(f) == nil && unused(name, now) {
			os.RemoveAll(strings.TrimSuffix(name, ".lock"))
			os.Remove(name)
		}
		f.Close()
	}
}

// unused reports whether the entry of the lock file name is to be
// trimmed (see trimStore).
func unused(name string, now time.Time) bool {
	fi, err := os.Stat(name)
	if err != nil {
		return false
	}
	if now.Sub(fi.ModTime()) >= storeUnused {
		return true
	}
	moduleDir, err := os.ReadFile(filepath.Join(strings.TrimSuffix(name, ".lock"), moduleFile))
	if err != nil || len(moduleDir) == 0 {
		return false
	}
	_, err = os.Stat(string(moduleDir))
	return errors.Is(err, os.ErrNotExist)
}

// confirmed reports whether go build wrote or confirmed the target path in
// the build that before (the target's state just before it, nil for no
// file) preceded: a
// new file, or the same file touched (go build sets the time of a target
// it finds up to date). A target go build passed over keeps its file and
// time: a package that is no longer a main package, which go build -o DIR
// skips without an error, must not run its last binary.
func confirmed(path string, before os.FileInfo) bool {
	after, err := os.Stat(path)
	if err != nil {
		return false
	}
	return before == nil || !os.SameFile(before, after) || !after.ModTime().Equal(before.ModTime())
}

// linkOrCopy makes dst the file src: a hard link, or where that cannot be
// (another file system), a copy.
func linkOrCopy(src, dst string) error {
	if os.Link(src, dst) == nil {
		return nil
	}
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o755)
	if err != nil {
		return err
	}
	if _, err = io.Copy(out, in); err != nil {
		out.Close()
		os.Remove(dst)
		return err
	}
	return out.Close()
}
