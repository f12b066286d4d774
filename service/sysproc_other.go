//go:build unix && !linux

package service

import "syscall"

// sysProcAttr puts the process in its own group. Without Pdeathsig (Linux
// only) a SIGKILLed phprun can leave services behind; Close still stops
// them all.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
