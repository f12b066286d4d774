//go:build !linux

package startclock

import "time"

// kernelAge is only read on Linux (kernel_linux.go).
func kernelAge() (time.Duration, bool) { return 0, false }
