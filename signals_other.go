//go:build !unix

package main

import "os"

// reloadSignal is nil where there is no SIGUSR2: use `phprun reset`.
var reloadSignal os.Signal
