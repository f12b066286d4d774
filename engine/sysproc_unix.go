//go:build unix && !linux

package engine

import "syscall"

// sysProcAttr puts the worker in its own process group. Without Pdeathsig
// (Linux only) a SIGKILLed phprun can leave workers behind; Close still
// stops them all.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
