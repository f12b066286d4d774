package rpc

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"time"
)

// Listen opens the listener for cfg.Listen after validating cfg. For a unix
// socket, a stale socket file left by a crashed server is removed; a socket
// that still answers is in use and is left alone.
func Listen(cfg Config) (net.Listener, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	a, _ := ParseAddress(cfg.Listen) // validated above
	if a.Network == "unix" {
		if err := removeStaleSocket(a.Addr); err != nil {
			return nil, err
		}
	}
	ln, err := net.Listen(a.Network, a.Addr)
	if err != nil {
		return nil, fmt.Errorf("rpc: listen on %s (rpc.listen): %w", a, err)
	}
	return ln, nil
}

func removeStaleSocket(path string) error {
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("rpc: listen on unix://%s: %w", path, err)
	}
	if fi.Mode().Type() != fs.ModeSocket {
		return fmt.Errorf("rpc: listen on unix://%s: the file exists and is not a socket", path)
	}
	if c, err := net.DialTimeout("unix", path, time.Second); err == nil {
		_ = c.Close()
		return fmt.Errorf("rpc: listen on unix://%s: another server is listening there", path)
	}
	if err := os.Remove(path); err != nil {
		return fmt.Errorf("rpc: remove stale socket %s: %w", path, err)
	}
	return nil
}
