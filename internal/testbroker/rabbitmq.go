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
func RabbitMQ() (*Broker, error) { return RabbitMQWith(RabbitMQOptions{}) }

// RabbitMQOptions adds listeners to the test RabbitMQ.
type RabbitMQOptions struct {
	// TLS, when set, adds an amqps listener on another free loopback port
	// (Broker.TLSAddr) with these PEM files.
	TLS *TLSFiles
}

// TLSFiles are a TLS listener's PEM files.
type TLSFiles struct {
	// CA verifies the clients' certificates; Cert and Key are the server's.
	CA, Cert, Key string
	// RequireClientCert refuses clients without a certificate the CA signed.
	RequireClientCert bool
}

// RabbitMQWith is RabbitMQ with the listeners o adds.
func RabbitMQWith(o RabbitMQOptions) (*Broker, error) {
	var err error
	for range 3 {
		var b *Broker
		if b, err = rabbitMQ(o); err == nil || errors.Is(err, ErrMissing) {
			return b, err
		}
	}
	return nil, err
}

func rabbitMQ(o RabbitMQOptions) (*Broker, error) {
	bin, err := lookBin("/usr/lib/rabbitmq/bin/rabbitmq-server")
	if err != nil {
		return nil, err
	}
	var ports [4]int
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
	if t := o.TLS; t != nil {
		confText += fmt.Sprintf("listeners.ssl.default = 127.0.0.1:%d\nssl_options.cacertfile = %s\nssl_options.certfile = %s\nssl_options.keyfile = %s\nssl_options.verify = verify_peer\nssl_options.fail_if_no_peer_cert = %t\n",
			ports[3], t.CA, t.Cert, t.Key, t.RequireClientCert)
	}
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
			// Erlang writes its crash dump into the working directory
			// otherwise, which is the package under test.
			"ERL_CRASH_DUMP=" + filepath.Join(dir, "erl_crash.dump"),
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
	if o.TLS != nil {
		b.TLSAddr = fmt.Sprintf("amqps://guest:guest@127.0.0.1:%d/", ports[3])
	}
	if err := b.start(90 * time.Second); err != nil {
		b.Stop() // also ends the epmd a failed boot leaves behind
		return nil, err
	}
	return b, nil
}
