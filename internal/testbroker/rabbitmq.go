package testbroker

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// RabbitMQ starts rabbitmq-server on free loopback ports (AMQP, epmd,
// distribution) with a private node name, data and log directories, no
// plugins (no management listener) and a private HOME for the Erlang
// cookie, so it never meets another engineer's or the system's node.
// Boot takes 8 to 20 s on a busy machine.
//
// A boot that fails (a port taken between choosing and binding it, a busy
// machine) is retried twice with new ports.
func RabbitMQ() (*Broker, error) {
	var err error
	for range 3 {
		var b *Broker
		if b, err = rabbitMQ(); err == nil || errors.Is(err, ErrMissing) {
			return b, err
		}
	}
	return nil, err
}

func rabbitMQ() (*Broker, error) {
	bin, err := lookBin("/usr/lib/rabbitmq/bin/rabbitmq-server")
	if err != nil {
		return nil, err
	}
	var ports [3]int
	for i := range ports {
		if ports[i], err = FreePort(); err != nil {
			return nil, err
		}
	}
	dir, err := os.MkdirTemp("", "phprun-rabbitmq-")
	if err != nil {
		return nil, fmt.Errorf("testbroker: rabbitmq dir: %w", err)
	}
	conf := filepath.Join(dir, "rabbitmq.conf")
	confText := fmt.Sprintf("listeners.tcp.default = 127.0.0.1:%d\nloopback_users = none\n", ports[0])
	plugins := filepath.Join(dir, "enabled_plugins")
	if err := os.WriteFile(conf, []byte(confText), 0o644); err != nil {
		return nil, fmt.Errorf("testbroker: rabbitmq config: %w", err)
	}
	if err := os.WriteFile(plugins, []byte("[].\n"), 0o644); err != nil {
		return nil, fmt.Errorf("testbroker: rabbitmq plugins: %w", err)
	}
	node := fmt.Sprintf("phprun-test-%d-%d@localhost", os.Getpid(), ports[0])
	b := &Broker{
		Addr: fmt.Sprintf("amqp://guest:guest@127.0.0.1:%d/", ports[0]), Port: ports[0], dir: dir,
		kind: "rabbitmq-server", bin: bin, epmdPort: ports[1], log: filepath.Join(dir, "rabbitmq.out"),
		env: []string{
			"HOME=" + dir,
			"RABBITMQ_NODENAME=" + node,
			"RABBITMQ_NODE_PORT=" + strconv.Itoa(ports[0]),
			"ERL_EPMD_PORT=" + strconv.Itoa(ports[1]),
			"RABBITMQ_DIST_PORT=" + strconv.Itoa(ports[2]),
			"RABBITMQ_MNESIA_BASE=" + filepath.Join(dir, "mnesia"),
			"RABBITMQ_LOG_BASE=" + filepath.Join(dir, "log"),
			"RABBITMQ_CONFIG_FILE=" + conf,
			"RABBITMQ_ENABLED_PLUGINS_FILE=" + plugins,
			"RABBITMQ_PID_FILE=" + filepath.Join(dir, "rabbitmq.pid"),
		},
	}
	// The node logs this once its listeners take sessions; the log of a
	// restart is appended to the same file, so count the lines.
	logFile := filepath.Join(dir, "log", node+".log")
	starts := 0
	b.ready = func() bool {
		data, _ := os.ReadFile(logFile)
		if n := bytes.Count(data, []byte("Server startup complete")); n > starts {
			starts = n
			return true
		}
		return false
	}
	if err := b.start(90 * time.Second); err != nil {
		b.Stop() // also ends the epmd a failed boot leaves behind
		return nil, err
	}
	return b, nil
}
