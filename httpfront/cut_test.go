package httpfront

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/net/http2"

	"github.com/phprun/phprun/engine"
	"github.com/phprun/phprun/httpfront/internal/conns"
)

// rawExchange sends raw bytes on a fresh connection and returns everything
// the server sent until it closed the connection (or the deadline).
func rawExchange(t testing.TB, addr, req string, wait time.Duration) (string, bool) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(wait))
	if _, err := io.WriteString(c, req); err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(c)
	closed := err == nil || !conns.IsTimeout(err)
	return string(b), closed
}

// TestCutStreamLooksCut: a streamed response whose worker dies (kill -9) or
// hits exec_ttl after the head went out must not end like a complete one.
// HTTP/1.1: the connection closes without the terminating chunk; HTTP/2:
// the stream is reset; one log line says how many bytes were sent.
func TestCutStreamLooksCut(t *testing.T) {
	pool := startPool(t, "special", 1, nil, func(c *engine.Config) {
		c.Pool.Supervisor.ExecTTL = time.Second
	})
	for _, noFast := range []bool{false, true} {
		name := map[bool]string{false: "fast path", true: "net/http"}[noFast]
		cfg := testConfig()
		cfg.HTTP2.H2C = true
		f := startFront(t, cfg, pool, Options{NoFastPath: noFast})
		addr := strings.TrimPrefix(f.url, "http://")
		for _, how := range []string{"kill", "hang"} {
			t.Run(name+"/"+how+"/http1", func(t *testing.T) {
				got, closed := rawExchange(t, addr, "GET /cut?how="+how+" HTTP/1.1\r\nHost: x\r\n\r\n", 10*time.Second)
				if !closed {
					t.Fatalf("connection left open after a cut response: %q", got)
				}
				if !strings.Contains(got, "HTTP/1.1 200 OK") || !strings.Contains(got, "part one\n") || !strings.Contains(got, "part two\n") {
					t.Fatalf("response %q", got)
				}
				if strings.HasSuffix(got, "0\r\n\r\n") {
					t.Fatalf("cut response ends with the terminating chunk: %q", got)
				}
				if !strings.Contains(f.logs.String(), "response cut") || !strings.Contains(f.logs.String(), "bytes_sent=18") {
					t.Fatalf("no cut line in the log:\n%s", f.logs.String())
				}
			})
			t.Run(name+"/"+how+"/h2c", func(t *testing.T) {
				tr := &http.Transport{Protocols: new(http.Protocols)}
				tr.Protocols.SetUnencryptedHTTP2(true)
				defer tr.CloseIdleConnections()
				client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
				resp, err := client.Get(f.url + "/cut?how=" + how)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				body, err := io.ReadAll(resp.Body)
				var se http2.StreamError
				if resp.Proto != "HTTP/2.0" || !errors.As(err, &se) || se.Code != http2.ErrCodeInternal {
					t.Fatalf("%s: body %q, error %v (%T); want RST_STREAM INTERNAL_ERROR", resp.Proto, body, err, err)
				}
				if !bytes.HasPrefix(body, []byte("part one\n")) {
					t.Fatalf("body %q", body)
				}
			})
		}
	}
	// The pool replaced its worker and serves.
	cfg := testConfig()
	f := startFront(t, cfg, pool, Options{})
	if resp, body := get(t, f.url+"/"); resp.StatusCode != 200 || body != "hello" {
		t.Fatalf("after the cuts: %d %q", resp.StatusCode, body)
	}
}

// TestCutLargeFrame: a worker killed while a large single-frame body is
// passing through (the body is read from the relay as it is sent) leaves
// the client with a visibly cut response, and the pool replaces it.
func TestCutLargeFrame(t *testing.T) {
	pool := startPool(t, "special", 1, nil, func(c *engine.Config) {
		c.Server.Command = append(c.Server.Command[:1], append([]string{"-d", "memory_limit=256M"}, c.Server.Command[1:]...)...)
	})
	pid := pool.Stats().Workers[0].PID
	f := startFront(t, testConfig(), pool, Options{})
	c, err := net.Dial("tcp", strings.TrimPrefix(f.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(20 * time.Second))
	if _, err := io.WriteString(c, "GET /large?mb=64 HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	first := make([]byte, 1<<20)
	if _, err := io.ReadFull(c, first); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	rest, err := io.ReadAll(c)
	if err != nil {
		t.Fatalf("connection not closed: %v", err)
	}
	got := append(first, rest...)
	if len(got) >= 64<<20 || bytes.HasSuffix(got, []byte("0\r\n\r\n")) {
		t.Fatalf("a cut body looks complete: %d bytes, ends %q", len(got), got[max(0, len(got)-10):])
	}
	waitCut := time.Now().Add(5 * time.Second)
	for !strings.Contains(f.logs.String(), "response cut") && time.Now().Before(waitCut) {
		time.Sleep(20 * time.Millisecond)
	}
	if !strings.Contains(f.logs.String(), "response cut") {
		t.Fatalf("no cut line:\n%s", f.logs.String())
	}
	if resp, body := get(t, f.url+"/"); resp.StatusCode != 200 || body != "hello" {
		t.Fatalf("after the cut: %d %q", resp.StatusCode, body)
	}
}

// TestCutByShutdownTimeout: a stream still running when the shutdown
// timeout ends is cut as visibly as a crashed one: the connection closes
// without the terminating chunk.
func TestCutByShutdownTimeout(t *testing.T) {
	pool := startPool(t, "stream", 1, nil, nil)
	for _, noFast := range []bool{false, true} {
		// Not startFront: its cleanup wants a clean Shutdown.
		srv, err := New(testConfig(), pool, Options{NoFastPath: noFast})
		if err != nil {
			t.Fatal(err)
		}
		if err := srv.Listen(); err != nil {
			t.Fatal(err)
		}
		served := make(chan error, 1)
		go func() { served <- srv.ListenAndServe(context.Background()) }()
		c, err := net.Dial("tcp", srv.Addr())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		_ = c.SetDeadline(time.Now().Add(15 * time.Second))
		if _, err := io.WriteString(c, "GET /?chunks=100&ms=50 HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
			t.Fatal(err)
		}
		head := make([]byte, 64)
		if _, err := io.ReadAtLeast(c, head, 1); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		_ = srv.Shutdown(ctx) // runs out: the stream takes 5 s
		cancel()
		<-served
		rest, err := io.ReadAll(c)
		if err != nil {
			t.Fatalf("no fast path %v: connection not closed: %v", noFast, err)
		}
		got := string(head) + string(rest)
		if strings.HasSuffix(got, "0\r\n\r\n") || strings.Contains(got, "done\n") {
			t.Fatalf("no fast path %v: stream cut by the shutdown timeout looks complete: ...%q", noFast, got[max(0, len(got)-40):])
		}
	}
}
