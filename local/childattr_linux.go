// What a child process of the emulator inherits from it: on Linux, death with it.

package local

import (
	"os"
	"syscall"
)

// childAttr returns the attributes of a child process (a function process,
// a build): SIGKILL when the emulator dies, even by SIGKILL, so that none
// outlives it. Linux sends the signal when the thread that started the
// child ends: function processes and go commands are started from threads
// of affinity.Launchers, which live as long as the Server (an ordinary
// goroutine's thread can be locked, and ended, by another goroutine later).
func childAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}

// groupAttr is childAttr for a command whose own children must end with
// it (a synthesis: the CDK CLI, and the go and app processes it starts):
// it leads a process group of its own, which killGroup ends.
func groupAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL, Setpgid: true}
}

// killGroup kills the process group p leads (see groupAttr).
func killGroup(p *os.Process) error { return syscall.Kill(-p.Pid, syscall.SIGKILL) }
