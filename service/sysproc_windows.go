//go:build windows

package service

import (
	"errors"
	"os"
	"os/exec"
	"syscall"
)

// sysProcAttr starts the service in a new process group so that a console
// Ctrl-C reaches phprun first. Windows has no Pdeathsig; Close still stops
// every service it started.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{CreationFlags: syscall.CREATE_NEW_PROCESS_GROUP}
}

// signalGroup ends the service. Windows cannot deliver SIGTERM to another
// process, so every signal is a kill, and children the service started
// are not reached.
func signalGroup(pid int, _ syscall.Signal) {
	if pid <= 0 {
		return
	}
	if p, err := os.FindProcess(pid); err == nil {
		_ = p.Kill()
	}
}

// runAs is not available on Windows: there is no setuid for a child.
func runAs(_ *exec.Cmd, name string) error {
	return errors.New("user " + name + ": running a service as another user is not supported on Windows")
}
