// What a child process of the emulator inherits from it: on Linux, death with it.

package local

import "syscall"

// childAttr returns the attributes of a child process (a function process,
// a build): SIGKILL when the emulator dies, even by SIGKILL, so that none
// outlives it. Linux sends the signal when the thread that started the
// child ends: function processes are started from an affinity.Launcher's
// thread, which lives as long as the Server; builds from goroutines, whose
// threads live as long as the process (the Go runtime ends a thread only
// when a goroutine locked to it returns).
func childAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
