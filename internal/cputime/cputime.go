//go:build unix

// Package cputime reads the process's own CPU time, for benchmarks that
// report CPU per operation: on a shared machine wall time tells little,
// while the CPU a process spent is the cost another process cannot inflate
// much. It counts every goroutine of the process (a benchmark's client half
// too), not its child processes (PHP workers).
package cputime

import (
	"syscall"
	"time"
)

// Self returns the user plus system CPU time of the process so far, or 0
// when the system cannot tell.
func Self() time.Duration {
	user, sys := Split()
	return user + sys
}

// Split returns the process's user and system CPU time so far: the
// process's own code against the kernel's work in its system calls.
func Split() (user, sys time.Duration) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, 0
	}
	return time.Duration(ru.Utime.Nano()), time.Duration(ru.Stime.Nano())
}
