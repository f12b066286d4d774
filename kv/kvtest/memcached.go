package kvtest

import (
	"errors"
	"net"
	"os"
	"os/exec"
	"strings"
)

// Memcached is a memcached started for a package's tests on a loopback
// port (TCP only).
type Memcached struct {
	Addr string
	srv  *server
}

// ErrNoMemcached: memcached is not installed (CI installs it through
// .ci/ensure-deps; tests skip without it).
var ErrNoMemcached = errors.New("kvtest: memcached not installed")

// StartMemcached starts memcached on a free loopback port and waits until
// it answers "version". addr "" picks a port; a given addr restarts on that
// port.
func StartMemcached(addr string) (*Memcached, error) {
	bin, err := exec.LookPath("memcached")
	if err != nil {
		return nil, ErrNoMemcached
	}
	if addr, err = freeAddr(addr); err != nil {
		return nil, err
	}
	host, port, _ := net.SplitHostPort(addr)
	args := []string{"-l", host, "-p", port, "-U", "0"}
	if os.Geteuid() == 0 { // memcached refuses root without -u
		args = append(args, "-u", "root")
	}
	var out strings.Builder
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = &out, &out
	srv, err := start("memcached", addr, cmd, version, out.String)
	if err != nil {
		return nil, err
	}
	return &Memcached{Addr: addr, srv: srv}, nil
}

// Stop kills the server and waits for it.
func (m *Memcached) Stop() { m.srv.stop() }

func version(addr string) error { return ask(addr, "version", "VERSION ") }
