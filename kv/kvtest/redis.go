package kvtest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// Redis is a redis-server started for a package's tests on a loopback
// port, without persistence.
type Redis struct {
	Addr string
	Dir  string
	cmd  *exec.Cmd
	done chan struct{}
}

// ErrNoRedis: redis-server is not installed (CI installs it through
// .ci/ensure-deps; tests skip without it).
var ErrNoRedis = errors.New("kvtest: redis-server not installed")

// StartRedis starts redis-server on a free loopback port and waits until it
// answers PING. addr "" picks a port; a given addr restarts on that port.
func StartRedis(addr string) (*Redis, error) {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		return nil, ErrNoRedis
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
	dir, err := os.MkdirTemp("", "phprun-redis-")
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "--bind", host, "--port", port, "--save", "", "--appendonly", "no",
		"--dir", dir, "--logfile", filepath.Join(dir, "redis.log"), "--daemonize", "no")
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("kvtest: start redis-server: %w", err)
	}
	r := &Redis{Addr: addr, Dir: dir, cmd: cmd, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(r.done) }()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if ping(addr) == nil {
			return r, nil
		}
		select {
		case <-r.done:
			log, _ := os.ReadFile(filepath.Join(dir, "redis.log"))
			_ = os.RemoveAll(dir)
			return nil, fmt.Errorf("kvtest: redis-server exited: %s", log)
		default:
		}
		if time.Now().After(deadline) {
			r.Stop()
			return nil, fmt.Errorf("kvtest: redis-server on %s did not answer PING in 10s", addr)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Stop kills the server and waits for it.
func (r *Redis) Stop() {
	_ = r.cmd.Process.Kill()
	<-r.done
	_ = os.RemoveAll(r.Dir)
}

func ping(addr string) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	c, err := (&net.Dialer{}).DialContext(ctx, "tcp", addr)
	if err != nil {
		return err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(time.Second))
	if _, err := c.Write([]byte("PING\r\n")); err != nil {
		return err
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return err
	}
	if !strings.HasPrefix(line, "+PONG") {
		return fmt.Errorf("PING answered %q", line)
	}
	return nil
}
