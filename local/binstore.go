// The binary store: where a build directory keeps the output of each group of packages built together, so that a build whose inputs did not change links nothing.

package local

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// storeDir is the directory, in a build directory, of the binary store.
const storeDir = ".bin"

// storeLocks holds a mutex per store entry, by path: the builds of one
// process that share a build directory take turns at an entry.
var storeLocks sync.Map

// storeEntry returns the directory in which go build -o writes the
// packages pkgs of the module in moduleDir, built with tags: the same for
// the same group in the same build directory, so that go build finds its
// earlier binaries there and, as for any target whose build ID is still
// that of its inputs, neither compiles nor links them again. Another
// build of the same entry waits until release, in this process and, where
// files can be locked, in others: go build replaces a binary (by rename,
// or by removing it first), never rewrites it, so the hard links taken
// before release keep the files their processes run.
//
// Where files cannot be locked, it returns a new directory of its own in
// buildDir, removed by release: every build links, as go build -o into an
// empty directory does.
func storeEntry(buildDir, moduleDir, tags string, pkgs []string) (dir string, release func(), err error) {
	key := sha256.Sum256([]byte(strings.Join(append([]string{moduleDir, tags, linkFlags}, pkgs...), "\x00")))
	dir = filepath.Join(buildDir, storeDir, fmt.Sprintf("%x", key[:12]))
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", nil, err
	}
	mu, _ := storeLocks.LoadOrStore(dir, new(sync.Mutex))
	mu.(*sync.Mutex).Lock()
	lock, err := os.OpenFile(dir+".lock", os.O_CREATE|os.O_RDWR, 0o600)
	if err == nil {
		err = waitLockFile(lock)
	}
	if err != nil {
		if lock != nil {
			lock.Close()
		}
		mu.(*sync.Mutex).Unlock()
		if !errors.Is(err, errors.ErrUnsupported) {
			return "", nil, err
		}
		if dir, err = os.MkdirTemp(buildDir, ".packages-"); err != nil {
			return "", nil, err
		}
		return dir, func() { os.RemoveAll(dir) }, nil
	}
	return dir, func() {
		lock.Close() // and with it the lock
		mu.(*sync.Mutex).Unlock()
	}, nil
}
