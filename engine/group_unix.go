//go:build unix

package engine

import "syscall"

// signalGroup sends sig to the process group led by pid: the worker and
// whatever it forked.
func signalGroup(pid int, sig syscall.Signal) error {
	return syscall.Kill(-pid, sig)
}
