package rpc

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestListenUnixRemovesStaleSocket(t *testing.T) {
	dir, err := os.MkdirTemp("", "rpc") // short path: unix socket names are limited
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "rpc.sock")

	// A socket file left behind by a dead server.
	stale, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	stale.(*net.UnixListener).SetUnlinkOnClose(false)
	stale.Close()
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("stale socket not left behind: %v", err)
	}

	cfg := Config{Listen: "unix://" + path}
	ln, err := Listen(cfg)
	if err != nil {
		t.Fatalf("Listen over a stale socket: %v", err)
	}
	// A live socket is not taken over.
	if _, err := Listen(cfg); err == nil || !strings.Contains(err.Error(), "another server is listening") {
		t.Fatalf("second Listen: %v", err)
	}

	srv, err := NewServer(samplePools(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx, ln) }()
	c, err := Dial(cfg.Listen)
	if err != nil {
		t.Fatal(err)
	}
	if names, err := c.List(ctx); err != nil || len(names) != 1 {
		t.Fatalf("List over unix socket: %v, %v", names, err)
	}
	c.Close()
	cancel()
	select {
	case err := <-served:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return")
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("socket file left after shutdown: %v", err)
	}
}

func TestListenRefuses(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "plain")
	must(t, os.WriteFile(file, nil, 0o644))
	for listen, want := range map[string]string{
		"unix://" + file:     "not a socket",
		"tcp://0.0.0.0:6001": "rpc.listen:",
		"6001":               "rpc.listen:",
	} {
		if _, err := Listen(Config{Listen: listen}); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Listen(%s) = %v, want %q", listen, err, want)
		}
	}
	// A port in use names the address and the key.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	_, err = Listen(Config{Listen: "tcp://" + ln.Addr().String()})
	if err == nil || !strings.Contains(err.Error(), ln.Addr().String()) || !strings.Contains(err.Error(), "rpc.listen") {
		t.Fatalf("Listen on a busy port: %v", err)
	}
}
