//go:build windows

package engine

import (
	"os"
	"syscall"
)

// sysProcAttr starts the worker in a new process group so that a console
// Ctrl-C reaches phprun, not PHP. Windows has neither Pdeathsig nor group
// signals; Close still stops every worker it started.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{CreationFlags: syscall.CREATE_NEW_PROCESS_GROUP}
}

// signalGroup ends the worker. Windows cannot deliver SIGTERM, so every
// signal is a kill; graceful stops rely on the {"stop":true} frame, which
// comes first anyway.
func signalGroup(pid int, _ syscall.Signal) error {
	p, err := os.FindProcess(pid)
	if err != nil {
		return err
	}
	return p.Kill()
}
