//go:build !linux

// CPU affinity where it is not supported: every call reports ErrUnsupported.

package affinity

// Allowed returns the CPUs the calling thread may run on.
func Allowed() ([]int, error) { return nil, ErrUnsupported }

// Process confines every thread of this process to cpus.
func Process(cpus []int) error { return ErrUnsupported }

// confineThread confines the calling thread to cpus.
func confineThread(cpus []int) error { return ErrUnsupported }

// onMainThread reports whether the calling goroutine runs on the process's
// main thread; only Linux's parent-death signal depends on it.
func onMainThread() bool { return false }
