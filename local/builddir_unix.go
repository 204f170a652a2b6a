//go:build unix

// Locking a build directory's lock file, so that a later emulator knows it is in use.

package local

import (
	"os"
	"syscall"
)

// lockFile takes an exclusive lock on f without waiting. The lock goes
// with the process: a killed emulator's directory is unlocked.
func lockFile(f *os.File) error {
	return syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
}

// waitLockFile takes an exclusive lock on f, waiting for it.
func waitLockFile(f *os.File) error {
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
		if err != syscall.EINTR {
			return err
		}
	}
}
