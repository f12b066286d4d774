//go:build linux

package engine

import "syscall"

// sysProcAttr puts the worker in its own process group (so a terminal's
// Ctrl-C reaches phprun, not PHP, and phprun can signal the whole group) and
// asks the kernel to SIGKILL it when phprun dies, so no PHP process outlives
// phprun even on SIGKILL.
//
// Pdeathsig fires when the *thread* that forked the child exits, not the
// process. spawn locks the OS thread around Start so that the goroutine is
// not moved mid-fork; afterwards the thread returns to the runtime, which
// only ends threads that a goroutine locked and then exited on. The engine
// never does that, but a library in the same process might: see
// docs/engine.md.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
