// Package testbroker starts real brokers (RabbitMQ, NATS with JetStream)
// for tests, each on free loopback ports with private data directories,
// and stops them afterwards. A package starts its broker once in TestMain:
// RabbitMQ takes seconds to boot. Imported only by tests.
package testbroker

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"time"
)

// ErrMissing says the broker's binary is not installed; a test skips with
// this message (CI installs it through .ci/ensure-deps).
var ErrMissing = errors.New("testbroker: broker binary not installed")

// Broker is one running broker process.
type Broker struct {
	// Addr is the client URL (amqp://guest:guest@127.0.0.1:PORT/, nats://127.0.0.1:PORT).
	Addr string
	// Port is the client port.
	Port int
	// TLSAddr is the amqps URL of a RabbitMQ started with a TLS listener
	// (RabbitMQOptions.TLS); "" otherwise.
	TLSAddr string

	cmd  *exec.Cmd
	dir  string
	kind string
	args []string
	env  []string
	bin  string
	log  string
	// epmdPort is RabbitMQ's Erlang port mapper, which daemonizes out of
	// the process group: Stop ends it by its port. 0 for other brokers.
	epmdPort int
	// ready, when set, must also hold before start returns: RabbitMQ
	// accepts TCP before it accepts AMQP sessions.
	ready func() bool
}

// FreePort returns a loopback TCP port nobody listens on now.
func FreePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("testbroker: free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// start runs the broker's process in its own process group (so Stop can
// take epmd and other children with it) and waits until its client port
// accepts connections.
func (b *Broker) start(within time.Duration) error {
	logf, err := os.OpenFile(b.log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("testbroker: %s log: %w", b.kind, err)
	}
	defer logf.Close()
	cmd := exec.Command(b.bin, b.args...)
	cmd.Env = append(os.Environ(), b.env...)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("testbroker: start %s: %w", b.kind, err)
	}
	b.cmd = cmd
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			return fmt.Errorf("testbroker: %s exited while starting; log %s:\n%s", b.kind, b.log, tail(b.log))
		default:
		}
		if c, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(b.Port), 200*time.Millisecond); err == nil {
			c.Close()
			if b.ready == nil || b.ready() {
				return nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	b.kill()
	return fmt.Errorf("testbroker: %s not listening on port %d after %v; log %s:\n%s", b.kind, b.Port, within, b.log, tail(b.log))
}

// kill ends the broker's whole process group and waits briefly for it.
func (b *Broker) kill() {
	if b.cmd == nil || b.cmd.Process == nil {
		return
	}
	pgid := b.cmd.Process.Pid
	_ = syscall.Kill(-pgid, syscall.SIGTERM)
	for range 50 { // up to 5 s for a clean exit
		if syscall.Kill(-pgid, 0) != nil {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	_ = syscall.Kill(-pgid, syscall.SIGKILL)
}

// Restart stops the broker and starts it again on the same port and data
// directory: durable queues and streams survive, connections drop.
func (b *Broker) Restart() error {
	b.kill()
	b.cmd = nil
	return b.start(90 * time.Second)
}

// Kill stops the broker abruptly (SIGKILL to its process group), as a crash.
func (b *Broker) Kill() {
	if b.cmd != nil && b.cmd.Process != nil {
		_ = syscall.Kill(-b.cmd.Process.Pid, syscall.SIGKILL)
		time.Sleep(200 * time.Millisecond)
	}
}

// Start starts the broker again after Kill.
func (b *Broker) Start() error { return b.start(90 * time.Second) }

// Stop ends the broker and removes its data directory.
func (b *Broker) Stop() {
	b.kill()
	if b.epmdPort != 0 {
		if epmd, err := exec.LookPath("epmd"); err == nil {
			_ = exec.Command(epmd, "-port", strconv.Itoa(b.epmdPort), "-kill").Run()
		}
	}
	_ = os.RemoveAll(b.dir)
}

func tail(path string) string {
	data, _ := os.ReadFile(path)
	if len(data) > 4000 {
		data = data[len(data)-4000:]
	}
	return string(data)
}

func lookBin(path string) (string, error) {
	if _, err := os.Stat(path); err != nil {
		if p, lerr := exec.LookPath(filepath.Base(path)); lerr == nil {
			return p, nil
		}
		return "", fmt.Errorf("%w: %s", ErrMissing, path)
	}
	return path, nil
}
