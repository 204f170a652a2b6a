// The binary store: where the emulator keeps the output of each group of packages built together, so that a build whose inputs did not change links nothing.

package local

import (
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

// defaultStore is the binary store of servers that make their own build
// directory: httpapi-local in the user's cache directory, kept between
// runs, so that a restarted emulator links only what changed; "" when the
// machine has no user cache directory (then each server keeps its store
// in its build directory).
func defaultStore() string {
	cache, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(cache, "httpapi-local")
}

// storeUnused is how long a store entry is kept without being built into
// (the Go build cache's own limit for unused entries).
const storeUnused = 5 * 24 * time.Hour

// storeLocks holds a mutex per store entry, by path: the builds of one
// process that share a store take turns at an entry.
var storeLocks sync.Map

// storeTrims holds the stores this process has trimmed.
var storeTrims sync.Map

// storeEntry returns the directory in which go build -o writes the
// packages pkgs of the module in moduleDir, built with tags: the same for
// the same group in the same store, so that go build finds its earlier
// binaries there and, as for any target whose build ID is still that of
// its inputs, neither compiles nor links them again (the build ID covers
// every input, the toolchain and the environment included; the entry only
// groups). Another build of the same entry waits until release, in this
// process and, where files can be locked, in others: go build replaces a
// binary (by rename, or by removing it first), never rewrites it, so the
// links or copies taken before release keep the files their processes
// run.
//
// Where files cannot be locked, it returns a new directory of its own in
// store, removed by release: every build links, as go build -o into an
// empty directory does. The first entry a process asks of a store removes
// the entries nobody built into for storeUnused.
func storeEntry(store, moduleDir, tags string, pkgs []string) (dir string, release func(), err error) {
	if err := os.MkdirAll(store, 0o700); err != nil {
		return "", nil, err
	}
	if _, done := storeTrims.LoadOrStore(store, true); !done {
		trimStore(store, time.Now())
	}
	key := sha256.Sum256([]byte(strings.Join(append([]string{moduleDir, tags, linkFlags}, pkgs...), "\x00")))
	dir = filepath.Join(store, fmt.Sprintf("%x", key[:12]))
	mu, _ := storeLocks.LoadOrStore(dir, new(sync.Mutex))
	mu.(*sync.Mutex).Lock()
	lock, err := os.OpenFile(dir+".lock", os.O_CREATE|os.O_RDWR, 0o600)
	if err == nil {
		err = waitLockFile(lock)
	}
	if err == nil {
		now := time.Now()
		os.Chtimes(lock.Name(), now, now) // in use: see trimStore
		if err = os.MkdirAll(dir, 0o700); err == nil {
			err = os.WriteFile(filepath.Join(dir, moduleFile), []byte(moduleDir), 0o600)
		}
	}
	if err != nil {
		if lock != nil {
			lock.Close()
		}
		mu.(*sync.Mutex).Unlock()
		if !errors.Is(err, errors.ErrUnsupported) {
			return "", nil, err
		}
		if dir, err = os.MkdirTemp(store, ".packages-"); err != nil {
			return "", nil, err
		}
		return dir, func() { os.RemoveAll(dir) }, nil
	}
	return dir, func() {
		lock.Close() // and with it the lock
		mu.(*sync.Mutex).Unlock()
	}, nil
}

// moduleFile is the file of a store entry that holds the directory of the
// module its packages were built in.
const moduleFile = ".module"

// trimStore removes the entries of store that no build holds and that
// either nobody built into since now-storeUnused (their lock file's time)
// or whose module directory is gone (a test's temporary module, a project
// deleted).
func trimStore(store string, now time.Time) {
	locks, _ := filepath.Glob(filepath.Join(store, "*.lock"))
	for _, name := range locks {
		fi, err := os.Stat(name)
		if err != nil {
			continue
		}
		if now.Sub(fi.ModTime()) < storeUnused {
			moduleDir, err := os.ReadFile(filepath.Join(strings.TrimSuffix(name, ".lock"), moduleFile))
			if err != nil || len(moduleDir) == 0 {
				continue
			}
			if _, err := os.Stat(string(moduleDir)); err == nil {
				continue
			}
		}
		f, err := os.OpenFile(name, os.O_RDWR, 0)
		if err != nil {
			continue
		}
		if lockFile(f) == nil {
			os.RemoveAll(strings.TrimSuffix(name, ".lock"))
			os.Remove(name)
		}
		f.Close()
	}
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
