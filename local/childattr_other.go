//go:build !linux

// What a child process of the emulator inherits from it.

package local

import "syscall"

// childAttr returns the attributes of a child process: none outside
// Linux, where a child outlives an emulator that is killed.
func childAttr() *syscall.SysProcAttr { return nil }
