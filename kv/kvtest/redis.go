package kvtest

import (
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
)

// Redis is a redis-server started for a package's tests on a loopback
// port, without persistence.
type Redis struct {
	Addr string
	Dir  string
	srv  *server
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
	if addr, err = freeAddr(addr); err != nil {
		return nil, err
	}
	host, port, _ := net.SplitHostPort(addr)
	dir, err := os.MkdirTemp("", "phprun-redis-")
	if err != nil {
		return nil, err
	}
	logFile := filepath.Join(dir, "redis.log")
	cmd := exec.Command(bin, "--bind", host, "--port", port, "--save", "", "--appendonly", "no",
		"--dir", dir, "--logfile", logFile, "--daemonize", "no")
	srv, err := start("redis-server", addr, cmd, ping, func() string { log, _ := os.ReadFile(logFile); return string(log) })
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	return &Redis{Addr: addr, Dir: dir, srv: srv}, nil
}

// Stop kills the server and waits for it.
func (r *Redis) Stop() {
	r.srv.stop()
	_ = os.RemoveAll(r.Dir)
}

func ping(addr string) error { return ask(addr, "PING", "+PONG") }
