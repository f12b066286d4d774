//go:build linux

package service

import "syscall"

// sysProcAttr puts the process in its own group (so a terminal's Ctrl-C
// reaches phprun, and a stop reaches everything the command forked, such as
// the node process behind `npm run dev`) and asks the kernel to SIGKILL it
// if phprun dies, so no service outlives phprun even on SIGKILL.
// Pdeathsig follows the forking thread: start locks the OS thread around
// Start (see engine's sysProcAttr).
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
