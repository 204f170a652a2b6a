//go:build unix

// Locking a build directory's lock file, so that a later emulator knows it is in use.

package local

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// lockFile takes an exclusive lock on f without waiting. The lock goes
// with the process: a killed emulator's directory is unlocked.
func lockFile(f *os.File) error {
	return syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
}

// lockBusy reports whether err, from lockFile, says another holds the lock.
func lockBusy(err error) bool {
	return errors.Is(err, syscall.EWOULDBLOCK) || errors.Is(err, syscall.EAGAIN)
}

// storeOwner reports why a binary store directory is not this user's
// alone: owned by another user, or writable by others (a user cache
// directory under a shared one), where another user could put binaries.
func storeOwner(fi os.FileInfo) error {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && int(st.Uid) != os.Getuid() {
		return fmt.Errorf("owned by user %d, not %d", st.Uid, os.Getuid())
	}
	if fi.Mode().Perm()&0o022 != 0 {
		return fmt.Errorf("writable by others (mode %v)", fi.Mode().Perm())
	}
	return nil
}

// fileLocks reports that lockFile locks here.
const fileLocks = true
