package kvtest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"time"
)

// Memcached is a memcached started for a package's tests on a loopback
// port (TCP only).
type Memcached struct {
	Addr string
	cmd  *exec.Cmd
	out  *strings.Builder
	done chan struct{}
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
	if addr == "" {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		addr = ln.Addr().String()
		_ = ln.Close()
	}
	host, port, _ := net.SplitHostPort(addr)
	args := []string{"-l", host, "-p", port, "-U", "0"}
	if os.Geteuid() == 0 { // memcached refuses root without -u
		args = append(args, "-u", "root")
	}
	m := &Memcached{Addr: addr, cmd: exec.Command(bin, args...), out: &strings.Builder{}, done: make(chan struct{})}
	m.cmd.Stdout, m.cmd.Stderr = m.out, m.out
	if err := m.cmd.Start(); err != nil {
		return nil, fmt.Errorf("kvtest: start memcached: %w", err)
	}
	go func() { _ = m.cmd.Wait(); close(m.done) }()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if version(addr) == nil {
			return m, nil
		}
		select {
		case <-m.done:
			return nil, fmt.Errorf("kvtest: memcached exited: %s", m.out)
		default:
		}
		if time.Now().After(deadline) {
			m.Stop()
			return nil, fmt.Errorf("kvtest: memcached on %s did not answer in 10s", addr)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Stop kills the server and waits for it.
func (m *Memcached) Stop() {
	_ = m.cmd.Process.Kill()
	<-m.done
}

func version(addr string) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	c, err := (&net.Dialer{}).DialContext(ctx, "tcp", addr)
	if err != nil {
		return err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(time.Second))
	if _, err := c.Write([]byte("version\r\n")); err != nil {
		return err
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return err
	}
	if !strings.HasPrefix(line, "VERSION ") {
		return fmt.Errorf("version answered %q", line)
	}
	return nil
}
