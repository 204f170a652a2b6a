// What a child process of the emulator inherits from it: on Linux, death with it.

package local

import "syscall"

// childAttr returns the attributes of a child process (a function process,
// a build): SIGKILL when the emulator dies, even by SIGKILL, so that none
// outlives it. Linux sends the signal when the thread that started the
// child ends: function processes and go commands are started from threads
// of affinity.Launchers, which live as long as the Server (an ordinary
// goroutine's thread can be locked, and ended, by another goroutine later).
func childAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
