//go:build !linux

// What a child process of the emulator inherits from it.

package local

import (
	"os"
	"syscall"
)

// childAttr returns the attributes of a child process: none outside
// Linux, where a child outlives an emulator that is killed.
func childAttr() *syscall.SysProcAttr { return nil }

// groupAttr is childAttr for a command whose own children must end with
// it: nothing more outside Linux.
func groupAttr() *syscall.SysProcAttr { return nil }

// killGroup kills p (outside Linux, not its children).
func killGroup(p *os.Process) error { return p.Kill() }
