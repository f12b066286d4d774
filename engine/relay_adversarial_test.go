package engine

import (
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/phprun/phprun/engine/wire"
)

// TestRelayAdversarial: the tcp relay listener accepts any local process.
// Before a connection has answered the PID handshake it gets no more than
// a handshake needs: a reply announcing a large payload, or junk, ends that
// connection at once (not after allocate_timeout), and the pool keeps
// serving.
func TestRelayAdversarial(t *testing.T) {
	cfg := helperConfig(t, "", 1)
	addr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	cfg.Server.Relay = "tcp://" + addr
	cfg.Pool.AllocateTimeout = 20 * time.Second // far above what the test waits
	bus := NewBus()
	sub := bus.Subscribe(64)
	p := newPool(t, cfg, bus)

	huge, err := wire.AppendHeader(nil, wire.Control|wire.CodecJSON, 0, 64<<20)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		send []byte
		want string // in the warning event
	}{
		{"header announcing 64 MiB", huge, "payload exceeds limit"},
		{"junk", []byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), "handshake"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			_ = c.SetDeadline(time.Now().Add(5 * time.Second))
			var f wire.Frame
			if err := wire.NewReader(c, 256, 1<<10).ReadFrame(&f); err != nil || !strings.Contains(string(f.Payload), `"pid"`) {
				t.Fatalf("PID request: %v %q", err, f.Payload)
			}
			if _, err := c.Write(tc.send); err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			if _, err := io.Copy(io.Discard, c); err != nil {
				t.Fatalf("connection not closed by phprun: %v", err)
			}
			if d := time.Since(start); d > 3*time.Second {
				t.Fatalf("closed after %v", d)
			}
			waitFor(t, 3*time.Second, "a warning about the connection", func() bool {
				for {
					select {
					case e := <-sub.C:
						if e.Level == "warn" && strings.Contains(e.Message, "handshake") && strings.Contains(e.Message, tc.want) {
							return true
						}
					default:
						return false
					}
				}
			})
		})
	}
	if _, body, err := execString(t, p, "c", "still serving"); err != nil || body != "still serving" {
		t.Fatalf("pool after the attacks: %q %v", body, err)
	}
}
