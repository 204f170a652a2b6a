package affinity

import (
	"fmt"
	"os"
	"runtime"
	"strconv"

	"golang.org/x/sys/unix"
)

// Allowed returns the CPUs this process may run on.
func Allowed() ([]int, error) {
	var set unix.CPUSet
	if err := unix.SchedGetaffinity(0, &set); err != nil {
		return nil, fmt.Errorf("reading CPU affinity: %w", err)
	}
	var cpus []int
	for cpu := range len(set) * 64 {
		if set.IsSet(cpu) {
			cpus = append(cpus, cpu)
		}
	}
	return cpus, nil
}

func cpuSet(cpus []int) (*unix.CPUSet, error) {
	var set unix.CPUSet
	for _, cpu := range cpus {
		if cpu < 0 || cpu >= len(set)*64 {
			return nil, fmt.Errorf("CPU %d is out of range", cpu)
		}
		set.Set(cpu)
	}
	return &set, nil
}

// Process confines every thread of this process to cpus. Threads started
// later inherit it from the thread that starts them.
func Process(cpus []int) error {
	set, err := cpuSet(cpus)
	if err != nil {
		return err
	}
	tasks, err := os.ReadDir("/proc/self/task")
	if err != nil {
		return fmt.Errorf("listing threads: %w", err)
	}
	for _, t := range tasks {
		tid, err := strconv.Atoi(t.Name())
		if err != nil {
			continue
		}
		// A thread may exit between the listing and the call.
		if err := unix.SchedSetaffinity(tid, set); err != nil && err != unix.ESRCH {
			return fmt.Errorf("setting the CPU affinity of thread %d: %w", tid, err)
		}
	}
	return nil
}

// Start runs start on a thread confined to cpus, so that a process it
// forks inherits that confinement from its first instruction on, then
// gives the thread back its former CPUs.
func Start(cpus []int, start func() error) error {
	set, err := cpuSet(cpus)
	if err != nil {
		return err
	}
	runtime.LockOSThread()
	var old unix.CPUSet
	if err := unix.SchedGetaffinity(0, &old); err != nil {
		runtime.UnlockOSThread()
		return fmt.Errorf("reading CPU affinity: %w", err)
	}
	if err := unix.SchedSetaffinity(0, set); err != nil {
		runtime.UnlockOSThread()
		return fmt.Errorf("setting CPU affinity: %w", err)
	}
	startErr := start()
	if err := unix.SchedSetaffinity(0, &old); err == nil {
		runtime.UnlockOSThread()
	}
	// Otherwise the thread stays locked to this goroutine and ends with it,
	// rather than run other goroutines on the functions' CPUs.
	return startErr
}
