//go:build unix

// Locking a build directory's lock file, so that a later emulator knows it is in use.

package local

import (
	"errors"
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
