//go:build unix

package main

import (
	"os"
	"syscall"
)

// reloadSignal asks a running server for a rolling reset (SIGUSR2, as in
// RoadRunner's systemd units).
var reloadSignal os.Signal = syscall.SIGUSR2
