package clicmd

import (
	"bytes"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/phprun/phprun/internal/config"
)

// silentServer accepts RPC connections and never answers, as a hung
// server would; it returns the rpc.listen address.
func silentServer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	t.Cleanup(func() { ln.Close(); <-done })
	go func() {
		defer close(done)
		var conns []net.Conn
		defer func() {
			for _, c := range conns {
				c.Close()
			}
		}()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns = append(conns, c)
			go io.Copy(io.Discard, c)
		}
	}()
	return "tcp://" + ln.Addr().String()
}

// testEnv is an Env over the config loader with no file and overrides.
func testEnv(t *testing.T, overrides ...string) (*Env, *bytes.Buffer) {
	dir := t.TempDir()
	var out bytes.Buffer
	opts := func(requireFile bool) (config.Options, error) {
		return config.Options{Dir: dir, Overrides: overrides, RequireFile: requireFile}, nil
	}
	return &Env{
		Stdout: &out, Stderr: &out, Options: opts,
		Load: func(requireFile, _ bool) (*config.Loaded, error) {
			o, _ := opts(requireFile)
			return config.Load(o)
		},
	}, &out
}

// TestCommandsBoundedByTimeouts runs each command against a server that
// never answers: each gives up after the timeouts key that bounds it, not
// after the default (30 s, 10 min), and says so.
func TestCommandsBoundedByTimeouts(t *testing.T) {
	listen := silentServer(t)
	cases := []struct {
		name string
		key  string
		run  func(*Env) error
	}{
		{"workers", "timeouts.rpc_call", WorkersCmd{Plugins: []string{"http"}}.Run},
		{"reset list", "timeouts.rpc_call", ResetCmd{}.Run},
		{"reset", "timeouts.rpc_control", ResetCmd{Plugins: []string{"http"}}.Run},
		{"kv", "timeouts.rpc_call", KVGetCmd{Storage: "s", Key: "k"}.Run},
		{"services", "timeouts.rpc_control", ServicesStopCmd{Names: []string{"x"}}.Run},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env, _ := testEnv(t, "rpc.listen="+listen, c.key+"=300ms")
			start := time.Now()
			err := c.run(env)
			took := time.Since(start)
			if err == nil || !strings.Contains(err.Error(), "deadline exceeded") {
				t.Fatalf("err = %v, want a deadline error", err)
			}
			if took > 10*time.Second {
				t.Errorf("gave up after %v, want about 300ms (%s)", took, c.key)
			}
		})
	}
}

// TestBadTimeoutNamesKey: an invalid timeouts key stops the command with
// the key in the message, before anything is dialled.
func TestBadTimeoutNamesKey(t *testing.T) {
	env, _ := testEnv(t, "timeouts.rpc_call=0s")
	err := WorkersCmd{}.Run(env)
	if err == nil || !strings.Contains(err.Error(), "timeouts.rpc_call") || !strings.Contains(err.Error(), "must be a positive duration such as 30s, got 0s") {
		t.Fatalf("err = %v", err)
	}
}
