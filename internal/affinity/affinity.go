// Package affinity confines processes and threads to sets of CPUs, so that
// the local emulator's gateway and its function processes do not take
// turns on the same CPUs' caches. It works on Linux; elsewhere every call
// reports ErrUnsupported and changes nothing.
package affinity

import (
	"errors"
	"fmt"
)

// ErrUnsupported is returned where the operating system offers no CPU
// affinity (or this package does not implement it). It wraps
// [errors.ErrUnsupported].
var ErrUnsupported = fmt.Errorf("CPU affinity is not supported on this system: %w", errors.ErrUnsupported)

// Split divides cpus in two: the first half (at least one CPU) for the
// gateway, the rest for the functions. With fewer than two CPUs there is
// nothing to split and both are nil.
func Split(cpus []int) (gateway, functions []int) {
	if len(cpus) < 2 {
		return nil, nil
	}
	half := len(cpus) / 2
	return cpus[:half:half], cpus[half:]
}
