//go:build !linux

package fdio

import "syscall"

// newStream: raw calls are made on Linux only; elsewhere the descriptor's
// own methods are used.
func newStream(descriptor, func(string, syscall.Errno) error) *Stream { return nil }
