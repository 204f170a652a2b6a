//go:build !linux

package affinity

// Allowed returns the CPUs the calling thread may run on.
func Allowed() ([]int, error) { return nil, ErrUnsupported }

// Process confines every thread of this process to cpus.
func Process(cpus []int) error { return ErrUnsupported }

// confineThread confines the calling thread to cpus.
func confineThread(cpus []int) error { return ErrUnsupported }
