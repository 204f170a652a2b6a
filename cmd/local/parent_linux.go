// The emulator stops when the process that started it exits (Linux: PR_SET_PDEATHSIG).

package main

import (
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// init asks Linux for SIGTERM when the process that started the emulator
// exits. `go run` and make die of a SIGTERM without passing it on, which
// left the emulator serving, orphaned, with its function processes; now
// it stops as after its own SIGTERM. Linux sends the signal when the
// thread that asked exits: init runs on the main thread, which lives as
// long as the process.
func init() {
	parent := os.Getppid()
	if err := unix.Prctl(unix.PR_SET_PDEATHSIG, uintptr(syscall.SIGTERM), 0, 0, 0); err != nil {
		return // the emulator then outlives its parent, as before
	}
	if os.Getppid() != parent { // the parent exited before the request took effect
		syscall.Kill(os.Getpid(), syscall.SIGTERM)
	}
}
