// The build directory: one per server, removed by Close, and swept at the next start after an emulator that was killed.

package local

import (
	"errors"
	"os"
	"path/filepath"
)

// buildDirPattern names the build directories servers make for themselves.
const buildDirPattern = "httpapi-local-"

// lockName is the file in a build directory that its server holds locked
// while it runs.
const lockName = ".lock"

// newBuildDir removes the build directories of emulators that died
// without Close (killed outright), then makes one for this server, locked
// while the returned file is open.
func newBuildDir() (dir string, lock *os.File, err error) {
	sweepBuildDirs(os.TempDir())
	dir, err = os.MkdirTemp("", buildDirPattern)
	if err != nil {
		return "", nil, err
	}
	// The lock file gets its name once locked, so that a sweep never
	// finds it unlocked in a directory being made.
	locking := filepath.Join(dir, lockName+".new")
	lock, err = os.OpenFile(locking, os.O_CREATE|os.O_RDWR, 0o600)
	if err == nil {
		if err = lockFile(lock); errors.Is(err, errors.ErrUnsupported) {
			err = nil // nothing to sweep with, then
		}
	}
	if err == nil {
		err = os.Rename(locking, filepath.Join(dir, lockName))
	}
	if err != nil {
		if lock != nil {
			lock.Close()
		}
		os.RemoveAll(dir)
		return "", nil, err
	}
	return dir, lock, nil
}

// sweepBuildDirs removes the build directories in tmp whose lock nobody
// holds: their server is gone. A directory without a lock file (being
// made, or made by another program) is left alone.
func sweepBuildDirs(tmp string) {
	dirs, _ := filepath.Glob(filepath.Join(tmp, buildDirPattern+"*"))
	for _, dir := range dirs {
		f, err := os.OpenFile(filepath.Join(dir, lockName), os.O_RDWR, 0)
		if err != nil {
			continue
		}
		if lockFile(f) == nil {
			os.RemoveAll(dir)
		}
		f.Close()
	}
}
