//go:build !linux

package main

import "os"

// minorFaults is only counted on Linux (initbudget_linux_test.go).
func minorFaults(*os.ProcessState) (int64, bool) { return 0, false }
