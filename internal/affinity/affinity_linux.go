// CPU affinity on Linux: the allowed CPUs, and confining a process or a thread to a set of them.

package affinity

import (
	"fmt"
	"os"
	"strconv"

	"golang.org/x/sys/unix"
)

// setSize is the number of CPUs a unix.CPUSet holds (CPU_SETSIZE).
const setSize = 1024

// Allowed returns the CPUs the calling thread may run on: at start, and
// unless changed since, those of the whole process.
func Allowed() ([]int, error) {
	var set unix.CPUSet
	if err := unix.SchedGetaffinity(0, &set); err != nil {
		return nil, fmt.Errorf("reading CPU affinity: %w", err)
	}
	var cpus []int
	for cpu := range setSize {
		if set.IsSet(cpu) {
			cpus = append(cpus, cpu)
		}
	}
	return cpus, nil
}

func cpuSet(cpus []int) (*unix.CPUSet, error) {
	var set unix.CPUSet
	for _, cpu := range cpus {
		if cpu < 0 || cpu >= setSize {
			return nil, fmt.Errorf("CPU %d is out of range (0 to %d)", cpu, setSize-1)
		}
		set.Set(cpu)
	}
	return &set, nil
}

// Process confines every thread of this process to cpus. Threads started
// later inherit it from the thread that starts them; a thread started
// while Process runs is found by the next pass over /proc/self/task.
func Process(cpus []int) error {
	set, err := cpuSet(cpus)
	if err != nil {
		return err
	}
	done := map[int]bool{}
	for {
		tasks, err := os.ReadDir("/proc/self/task")
		if err != nil {
			return fmt.Errorf("listing threads: %w", err)
		}
		found := false
		for _, t := range tasks {
			tid, err := strconv.Atoi(t.Name())
			if err != nil || done[tid] {
				continue
			}
			found = true
			done[tid] = true
			// A thread may exit between the listing and the call.
			if err := unix.SchedSetaffinity(tid, set); err != nil && err != unix.ESRCH {
				return fmt.Errorf("setting the CPU affinity of thread %d: %w", tid, err)
			}
		}
		if !found {
			return nil
		}
	}
}

// confineThread confines the calling thread to cpus.
func confineThread(cpus []int) error {
	set, err := cpuSet(cpus)
	if err != nil {
		return err
	}
	if err := unix.SchedSetaffinity(0, set); err != nil {
		return fmt.Errorf("setting CPU affinity: %w", err)
	}
	return nil
}

// onMainThread reports whether the calling goroutine runs on the process's
// main thread, whose thread id is the process id.
func onMainThread() bool { return unix.Gettid() == unix.Getpid() }
