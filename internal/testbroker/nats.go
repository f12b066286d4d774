package testbroker

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// NATS starts nats-server with JetStream on a free loopback port and a
// private store directory.
func NATS() (*Broker, error) {
	bin, err := lookBin("/usr/sbin/nats-server")
	if err != nil {
		return nil, err
	}
	port, err := FreePort()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "phprun-nats-")
	if err != nil {
		return nil, fmt.Errorf("testbroker: nats dir: %w", err)
	}
	b := &Broker{
		Addr: "nats://127.0.0.1:" + strconv.Itoa(port), Port: port, dir: dir, kind: "nats-server", bin: bin,
		args: []string{"-js", "-a", "127.0.0.1", "-p", strconv.Itoa(port), "-sd", filepath.Join(dir, "store")},
		log:  filepath.Join(dir, "nats.log"),
	}
	if err := b.start(20 * time.Second); err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	return b, nil
}
