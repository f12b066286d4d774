package kvtest

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os/exec"
	"strings"
	"time"
)

// server is a backend process started for tests on a loopback port.
type server struct {
	addr string
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited
}

// freeAddr returns addr, or a loopback address with a port nobody
// listens on now when addr is "".
func freeAddr(addr string) (string, error) {
	if addr != "" {
		return addr, nil
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// start runs cmd and waits up to 10 s until probe(addr) succeeds. When the
// process exits first, or the time is up, it returns an error with
// exited's text (the server's log) and leaves nothing running.
func start(name, addr string, cmd *exec.Cmd, probe func(addr string) error, exited func() string) (*server, error) {
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("kvtest: start %s: %w", name, err)
	}
	s := &server{addr: addr, cmd: cmd, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(s.done) }()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if probe(addr) == nil {
			return s, nil
		}
		select {
		case <-s.done:
			return nil, fmt.Errorf("kvtest: %s exited: %s", name, exited())
		default:
		}
		if time.Now().After(deadline) {
			s.stop()
			return nil, fmt.Errorf("kvtest: %s on %s did not answer in 10s", name, addr)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// stop kills the process and waits for it.
func (s *server) stop() {
	_ = s.cmd.Process.Kill()
	<-s.done
}

// ask sends one text command to a server at addr and checks that its
// first line of answer starts with want: the readiness probe of the
// servers here (redis PING, memcached version).
func ask(addr, command, want string) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	c, err := (&net.Dialer{}).DialContext(ctx, "tcp", addr)
	if err != nil {
		return err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(time.Second))
	if _, err := c.Write([]byte(command + "\r\n")); err != nil {
		return err
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return err
	}
	if !strings.HasPrefix(line, want) {
		return fmt.Errorf("%s answered %q", command, line)
	}
	return nil
}
