package httpfront

import (
	"context"
	"crypto/tls"
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

// Adversarial cases for the TLS listener. net/http parses every head here,
// so the strict framing check of the fast path does not run: what holds is
// closeAfterTE (nothing after a chunked body is read as a request), the
// 400 for bad bodies, and Shutdown closing connections without a head.
func TestTLSAdversarial(t *testing.T) {
	certFile, keyFile, roots := selfSigned(t)
	pool := startPool(t, "echo", 1, nil, nil)
	cfg := testConfig()
	cfg.ReadHeaderTimeout = 20 * time.Second
	cfg.ShutdownTimeout = 20 * time.Second
	cfg.SSL = SSLConfig{Address: "127.0.0.1:0", Cert: certFile, Key: keyFile}
	f := startFront(t, cfg, pool, Options{})
	dial := func(t *testing.T) *tls.Conn {
		t.Helper()
		c, err := tls.Dial("tcp", f.srv.TLSAddr(), &tls.Config{RootCAs: roots, ServerName: "127.0.0.1", NextProtos: []string{"http/1.1"}})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		_ = c.SetDeadline(time.Now().Add(5 * time.Second))
		return c
	}
	exchange := func(t *testing.T, req string) string {
		t.Helper()
		c := dial(t)
		if _, err := io.WriteString(c, req); err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(c)
		if err != nil {
			t.Fatalf("connection not closed: %v (read %q)", err, b)
		}
		return string(b)
	}
	for _, tc := range []struct{ name, req, want string }{
		{"CL.TE", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + smuggled, "HTTP/1.1 200"},
		{"TE.TE", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: cow\r\n\r\n0\r\n\r\n" + smuggled, "HTTP/1.1 501"},
		{"bad chunk size", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0x2\r\nab\r\n0\r\n\r\n" + smuggled, "HTTP/1.1 400"},
		{"no Host", "GET / HTTP/1.1\r\n\r\n" + smuggled, "HTTP/1.1 400"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := exchange(t, tc.req)
			if !strings.HasPrefix(got, tc.want) || strings.Count(got, "HTTP/1.1 ") != 1 {
				t.Fatalf("got %q, want one %s response", truncateString(got, 400), tc.want)
			}
		})
	}
	t.Run("plain HTTP to the TLS port", func(t *testing.T) {
		got, closed := rawExchange(t, f.srv.TLSAddr(), "GET / HTTP/1.1\r\nHost: x\r\n\r\n", 5*time.Second)
		if !closed || !strings.HasPrefix(got, "HTTP/1.0 400") {
			t.Fatalf("got %q, closed %v", got, closed)
		}
	})
	t.Run("garbage records", func(t *testing.T) {
		got, closed := rawExchange(t, f.srv.TLSAddr(), "\x16\x03\x01\xff\xff"+strings.Repeat("\x00", 64), 5*time.Second)
		if !closed || strings.Contains(got, "HTTP/") {
			t.Fatalf("got %q, closed %v", got, closed)
		}
	})
	t.Run("shutdown with a half head", func(t *testing.T) {
		c := dial(t)
		if _, err := io.WriteString(c, "GET / HTTP/1.1\r\nHo"); err != nil {
			t.Fatal(err)
		}
		time.Sleep(100 * time.Millisecond)
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		start := time.Now()
		if err := f.srv.Shutdown(ctx); err != nil || time.Since(start) > 3*time.Second {
			t.Fatalf("Shutdown: %v after %v", err, time.Since(start))
		}
		if _, err := io.ReadAll(c); err != nil {
			if ne, ok := err.(net.Error); ok && ne.Timeout() {
				t.Fatal("half-head connection left open")
			}
		}
	})
}
