package httpfront

import (
	"context"
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

// TestShutdownClosesHalfHeads: a connection that sent half a request head
// is not a request being served; Shutdown closes it at once instead of
// waiting for the header timeout or shutdown_timeout (issue #16), while a
// request being served is still drained.
func TestShutdownClosesHalfHeads(t *testing.T) {
	pool := startPool(t, "special", 1, nil, nil)
	for _, noFast := range []bool{false, true} {
		t.Run(map[bool]string{false: "fast path", true: "net/http"}[noFast], func(t *testing.T) {
			cfg := testConfig()
			cfg.ReadHeaderTimeout = 20 * time.Second
			cfg.ShutdownTimeout = 20 * time.Second
			f := startFront(t, cfg, pool, Options{NoFastPath: noFast})
			addr := strings.TrimPrefix(f.url, "http://")
			var half []net.Conn
			for _, part := range []string{"G", "GET / HTTP/1.1\r\nHo", "GET / HTTP/1.1\r\nHost: x\r\n"} {
				c, err := net.Dial("tcp", addr)
				if err != nil {
					t.Fatal(err)
				}
				defer c.Close()
				if _, err := io.WriteString(c, part); err != nil {
					t.Fatal(err)
				}
				half = append(half, c)
			}
			// One request being served: it must still complete.
			served := make(chan string, 1)
			go func() {
				got, _ := rawExchange(t, addr, "GET /sleep?ms=400 HTTP/1.1\r\nHost: x\r\n\r\n", 10*time.Second)
				served <- got
			}()
			time.Sleep(200 * time.Millisecond) // the reads of the halves and the request are under way
			start := time.Now()
			ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
			defer cancel()
			if err := f.srv.Shutdown(ctx); err != nil {
				t.Fatalf("Shutdown: %v", err)
			}
			if d := time.Since(start); d > 3*time.Second {
				t.Fatalf("Shutdown took %v with half-sent heads open", d)
			}
			if got := <-served; !strings.Contains(got, "slept") {
				t.Fatalf("request in flight not drained: %q", got)
			}
			for i, c := range half {
				_ = c.SetReadDeadline(time.Now().Add(2 * time.Second))
				if _, err := io.ReadAll(c); err != nil {
					t.Errorf("half head %d: connection not closed: %v", i, err)
				}
			}
		})
	}
}
