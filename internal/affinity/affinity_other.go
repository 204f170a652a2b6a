//go:build !linux

package affinity

// Allowed returns the CPUs the calling thread may run on.
func Allowed() ([]int, error) { return nil, ErrUnsupported }

// Process confines every thread of this process to cpus.
func Process(cpus []int) error { return ErrUnsupported }

// Start runs start on a thread confined to cpus, so that a process it
// forks inherits that confinement.
func Start(cpus []int, start func() error) error { return ErrUnsupported }
