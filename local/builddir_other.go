//go:build !unix

// Locking a build directory's lock file: not implemented here.

package local

import (
	"errors"
	"os"
)

// lockFile reports that it cannot lock: no directory is swept.
func lockFile(f *os.File) error { return errors.ErrUnsupported }

// lockBusy reports false: lockFile never locks here.
func lockBusy(err error) bool { return false }

// storeOwner accepts any store directory: its owner is not checked here.
func storeOwner(fi os.FileInfo) error { return nil }

// fileLocks reports that lockFile cannot lock here: builds keep no shared
// store entry, and write nothing into the store.
const fileLocks = false
