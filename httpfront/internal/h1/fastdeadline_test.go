package h1

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// The fast path sets read deadlines lazily (see armIdle): these pin what
// that must not change. A slow upload is cut neither by the idle nor by the
// header timeout; after it, and after many quick requests on one
// connection, an idle connection still closes on time.
func TestFastDeadlinesAroundBodies(t *testing.T) {
	fastEach(t, func(t *testing.T, impl fastImpl) {
		std := fastStdServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			b, err := io.ReadAll(r.Body)
			fmt.Fprintf(w, "%d %v", len(b), err)
		}))
		std.IdleTimeout = 200 * time.Millisecond
		std.ReadHeaderTimeout = 200 * time.Millisecond
		s := fastStart(t, impl, std)
		c := fastDial(t, s.addr)

		// Quick requests: the idle deadline is not re-armed each time but
		// must still be valid.
		for i := 0; i < 20; i++ {
			c.send(t, fastGet("GET", "/"))
			if _, body := c.response(t, "GET"); body != "0 <nil>" {
				t.Fatalf("request %d: %q", i, body)
			}
		}
		// A body trickling in for 3× the idle and header timeouts.
		c.send(t, "POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 12\r\n\r\n")
		for i := 0; i < 6; i++ {
			time.Sleep(100 * time.Millisecond)
			c.send(t, "ab")
		}
		if resp, body := c.response(t, "POST"); resp.StatusCode != 200 || body != "12 <nil>" {
			t.Fatalf("slow upload: %d %q", resp.StatusCode, body)
		}
		// Idle again: closed after the idle timeout (7/8 of it at the
		// earliest on the fast path), not never and not at once.
		took := c.closedWithin(t, 2*time.Second)
		if took < 150*time.Millisecond {
			t.Errorf("idle connection closed after %v, before the 200ms idle timeout", took)
		}
	})
}

// A request head that arrives in pieces is bounded by the header timeout
// even on a connection whose idle deadline is far away.
func TestFastHeaderTimeoutAfterQuickRequests(t *testing.T) {
	fastEach(t, func(t *testing.T, impl fastImpl) {
		std := fastStdServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }))
		std.IdleTimeout = 10 * time.Second
		std.ReadHeaderTimeout = 200 * time.Millisecond
		s := fastStart(t, impl, std)
		c := fastDial(t, s.addr)
		for i := 0; i < 5; i++ {
			c.send(t, fastGet("GET", "/"))
			c.response(t, "GET")
		}
		c.send(t, "GET / HTTP/1.1\r\n")
		go func() {
			for i := 0; i < 40; i++ {
				time.Sleep(50 * time.Millisecond)
				if _, err := io.WriteString(c, "X-Slow: "+strings.Repeat("y", 3)+"\r\n"); err != nil {
					return
				}
			}
		}()
		if took := c.closedWithin(t, 3*time.Second); took < 150*time.Millisecond || took > 1500*time.Millisecond {
			t.Errorf("trickled head: closed after %v, want about the 200ms header timeout", took)
		}
	})
}
