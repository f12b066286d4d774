package h1

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// The behaviour tests check what a byte comparison cannot: shutdown,
// timeouts, cancellation. Each runs against net/http too, which keeps the
// expectations honest.

// fastEach runs fn once per server under test.
func fastEach(t *testing.T, fn func(t *testing.T, impl fastImpl)) {
	for _, impl := range fastImpls {
		t.Run(impl.name, func(t *testing.T) {
			t.Parallel()
			fn(t, impl)
		})
	}
}

// fastClient is a client connection closed when the test ends.
type fastClient struct {
	net.Conn
	br *bufio.Reader
}

func fastDial(t *testing.T, addr string) *fastClient {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return &fastClient{c, bufio.NewReader(c)}
}

func (c *fastClient) send(t *testing.T, raw string) {
	t.Helper()
	_ = c.SetWriteDeadline(time.Now().Add(fastOverall))
	if _, err := io.WriteString(c, raw); err != nil {
		t.Fatalf("write: %v", err)
	}
}

// response reads one response to a request of the given method.
func (c *fastClient) response(t *testing.T, method string) (*http.Response, string) {
	t.Helper()
	_ = c.SetReadDeadline(time.Now().Add(fastOverall))
	resp, err := http.ReadResponse(c.br, &http.Request{Method: method})
	if err != nil {
		t.Fatalf("read response: %v", err)
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	return resp, string(body)
}

// closedWithin requires the server to close the connection within d
// without sending anything more, and returns how long that took.
func (c *fastClient) closedWithin(t *testing.T, d time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	_ = c.SetReadDeadline(start.Add(d))
	got, err := io.ReadAll(c.br)
	if len(got) > 0 {
		t.Errorf("got %q before the connection closed", got)
	}
	if errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("connection still open after %v", d)
	}
	return time.Since(start)
}

// fastBlocker is a handler that blocks until released, for requests in
// flight; released at the latest when the test ends.
type fastBlocker struct {
	entered chan struct{}
	release func()
	done    chan struct{}
}

func newFastBlocker(t *testing.T) *fastBlocker {
	b := &fastBlocker{entered: make(chan struct{}, 4), done: make(chan struct{})}
	b.release = sync.OnceFunc(func() { close(b.done) })
	t.Cleanup(b.release)
	return b
}

func (b *fastBlocker) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/slow" {
		io.WriteString(w, "hello")
		return
	}
	b.entered <- struct{}{}
	<-b.done
	io.WriteString(w, "done")
}

func (b *fastBlocker) waitEntered(t *testing.T) {
	t.Helper()
	select {
	case <-b.entered:
	case <-time.After(2 * time.Second):
		t.Fatal("handler not entered within 2s")
	}
}

// fastRefusedWithin requires new connections to addr to be refused within d.
func fastRefusedWithin(t *testing.T, addr string, d time.Duration) {
	t.Helper()
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(10 * time.Millisecond) {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err != nil {
			return
		}
		c.Close()
	}
	t.Errorf("dials to %s still accepted after %v", addr, d)
}

// fastServed requires Serve to have returned http.ErrServerClosed within d.
func fastServed(t *testing.T, s *fastServing, d time.Duration) {
	t.Helper()
	select {
	case <-s.done:
		if !errors.Is(s.err, http.ErrServerClosed) {
			t.Errorf("Serve returned %v, want http.ErrServerClosed", s.err)
		}
	case <-time.After(d):
		t.Errorf("Serve has not returned after %v", d)
	}
}

// fastChunkedSlow is a request the fast path hands over to net/http.
var fastChunkedSlow = fastGet("POST", "/slow", "Transfer-Encoding: chunked") + "0\r\n\r\n"

// fastIdle10 is an HTTP/1.0 keep-alive request, likewise handed over.
const fastIdle10 = "GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"

// fastMixed is a server with a connection of each kind in each state: a
// request in flight (blocked in b) on the fast path and on one handed over
// to net/http, and an idle connection of each kind after one answered
// request, whose answer is kept for the test to check.
type fastMixed struct {
	s                     *fastServing
	b                     *fastBlocker
	active, activeStd     *fastClient
	idle, idleStd         *fastClient
	idleResp, idleStdResp *http.Response
	idleBody, idleStdBody string
}

func fastMixedConns(t *testing.T, impl fastImpl) *fastMixed {
	t.Helper()
	m := &fastMixed{b: newFastBlocker(t)}
	m.s = fastStart(t, impl, fastStdServer(m.b))
	m.active = fastDial(t, m.s.addr)
	m.active.send(t, fastGet("GET", "/slow"))
	m.b.waitEntered(t)
	m.activeStd = fastDial(t, m.s.addr)
	m.activeStd.send(t, fastChunkedSlow)
	m.b.waitEntered(t)
	m.idle = fastDial(t, m.s.addr)
	m.idle.send(t, fastGet("GET", "/hello"))
	m.idleResp, m.idleBody = m.idle.response(t, "GET")
	m.idleStd = fastDial(t, m.s.addr)
	m.idleStd.send(t, fastIdle10)
	m.idleStdResp, m.idleStdBody = m.idleStd.response(t, "GET")
	return m
}

// TestFastShutdownGraceful covers connections of both kinds: served by the
// fast path and handed over to net/http.
func TestFastShutdownGraceful(t *testing.T) {
	fastEach(t, func(t *testing.T, impl fastImpl) {
		m := fastMixedConns(t, impl)
		s, b, active, activeStd, idle, idleStd := m.s, m.b, m.active, m.activeStd, m.idle, m.idleStd
		if resp, body := m.idleResp, m.idleBody; resp.StatusCode != 200 || body != "hello" {
			t.Fatalf("idle conn: %d %q", resp.StatusCode, body)
		}
		if resp, body := m.idleStdResp, m.idleStdBody; resp.StatusCode != 200 || body != "hello" || resp.Close {
			t.Fatalf("idle HTTP/1.0 conn: %d %q close=%v", resp.StatusCode, body, resp.Close)
		}

		shut := make(chan error, 1)
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), fastOverall)
			defer cancel()
			shut <- s.srv.Shutdown(ctx)
		}()
		idle.closedWithin(t, 2*time.Second)
		idleStd.closedWithin(t, 2*time.Second)
		fastRefusedWithin(t, s.addr, 2*time.Second)
		select {
		case err := <-shut:
			t.Fatalf("Shutdown returned %v while a request was in flight", err)
		default:
		}

		b.release()
		for name, c := range map[string]*fastClient{"fast path": active, "handed over": activeStd} {
			// ReadResponse consumes "Connection: close"; on an HTTP/1.1
			// response nothing else sets Close.
			resp, body := c.response(t, "GET")
			if resp.StatusCode != 200 || body != "done" || resp.Proto != "HTTP/1.1" || !resp.Close {
				t.Errorf("in-flight request (%s): %s %q close=%v, want HTTP/1.1 200 \"done\" with Connection: close",
					name, resp.Status, body, resp.Close)
			}
			c.closedWithin(t, 2*time.Second)
		}
		select {
		case err := <-shut:
			if err != nil {
				t.Errorf("Shutdown: %v", err)
			}
		case <-time.After(fastOverall):
			t.Fatal("Shutdown did not return after the last request finished")
		}
		fastServed(t, s, 2*time.Second)
	})
}

func TestFastClose(t *testing.T) {
	fastEach(t, func(t *testing.T, impl fastImpl) {
		m := fastMixedConns(t, impl)
		s, active, activeStd, idle, idleStd := m.s, m.active, m.activeStd, m.idle, m.idleStd

		if err := s.srv.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
		for _, c := range []*fastClient{active, activeStd, idle, idleStd} {
			c.closedWithin(t, 2*time.Second)
		}
		fastRefusedWithin(t, s.addr, 2*time.Second)
		fastServed(t, s, 2*time.Second)
	})
}

// fastTrickle writes a request head one header line every 50ms, for at most
// 3s or until the server hangs up.
func fastTrickle(c net.Conn) {
	io.WriteString(c, "GET /hello HTTP/1.1\r\nHost: x\r\n")
	for range 60 {
		time.Sleep(50 * time.Millisecond)
		if _, err := io.WriteString(c, "X-Slow: y\r\n"); err != nil {
			return
		}
	}
}

func TestFastReadHeaderTimeout(t *testing.T) {
	fastEach(t, func(t *testing.T, impl fastImpl) {
		std := fastStdServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "hello") }))
		std.ReadHeaderTimeout = 200 * time.Millisecond
		s := fastStart(t, impl, std)

		t.Run("first request", func(t *testing.T) {
			c := fastDial(t, s.addr)
			go fastTrickle(c)
			if took := c.closedWithin(t, 2*time.Second); took < 150*time.Millisecond {
				t.Errorf("closed after %v, before the 200ms header timeout", took)
			}
		})
		t.Run("after a kept-alive request", func(t *testing.T) {
			c := fastDial(t, s.addr)
			c.send(t, fastGet("GET", "/hello"))
			c.response(t, "GET")
			time.Sleep(300 * time.Millisecond) // idle time does not count against the header
			go fastTrickle(c)
			if took := c.closedWithin(t, 2*time.Second); took < 150*time.Millisecond {
				t.Errorf("closed after %v, before the 200ms header timeout", took)
			}
		})
	})
}

func TestFastIdleTimeout(t *testing.T) {
	fastEach(t, func(t *testing.T, impl fastImpl) {
		std := fastStdServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "hello") }))
		std.IdleTimeout = 200 * time.Millisecond
		s := fastStart(t, impl, std)
		c := fastDial(t, s.addr)
		c.send(t, fastGet("GET", "/hello"))
		if resp, _ := c.response(t, "GET"); resp.Close {
			t.Fatal("response closes the connection; nothing left to time out")
		}
		if took := c.closedWithin(t, 2*time.Second); took < 150*time.Millisecond {
			t.Errorf("closed after %v, before the 200ms idle timeout", took)
		}
	})
}

func TestFastContextCancelledOnClientClose(t *testing.T) {
	fastEach(t, func(t *testing.T, impl fastImpl) {
		entered := make(chan struct{}, 1)
		seen := make(chan error, 1)
		h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			entered <- struct{}{}
			for end := time.Now().Add(3 * time.Second); time.Now().Before(end); time.Sleep(10 * time.Millisecond) {
				if err := r.Context().Err(); err != nil {
					seen <- err
					return
				}
			}
			seen <- nil
		})
		s := fastStart(t, impl, fastStdServer(h))
		c := fastDial(t, s.addr)
		c.send(t, fastGet("GET", "/loop"))
		select {
		case <-entered:
		case <-time.After(2 * time.Second):
			t.Fatal("handler not entered within 2s")
		}
		time.Sleep(100 * time.Millisecond)
		c.Close()
		select {
		case err := <-seen:
			if !errors.Is(err, context.Canceled) {
				t.Errorf("r.Context().Err() = %v, want context.Canceled", err)
			}
		case <-time.After(2 * time.Second):
			t.Error("r.Context() not cancelled within 2s of the client closing")
		}
	})
}

// TestFastServeFile serves a 1 MiB *os.File with http.ServeContent (the
// sendfile path) whole and by range, compares both servers' bytes, and
// checks that the fast path's bodies are the file's.
func TestFastServeFile(t *testing.T) {
	blob := make([]byte, 1<<20)
	rand.Read(blob)
	path := filepath.Join(t.TempDir(), "blob.bin")
	if err := os.WriteFile(path, blob, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(path, fastModTime, fastModTime); err != nil {
		t.Fatal(err)
	}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, err := os.Open(path)
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		defer f.Close()
		st, _ := f.Stat()
		http.ServeContent(w, r, "blob.bin", st.ModTime(), f)
	})
	reqs := []string{fastGet("GET", "/blob.bin"), fastGet("GET", "/blob.bin", "Range: bytes=1000-500999"), fastGet("HEAD", "/blob.bin")}
	o := fastRun(t, h, fastCase{segs: []string{strings.Join(reqs, "")}})
	o.check(t)

	br := bufio.NewReader(bytes.NewReader(o.fast.resp))
	for i, want := range [][]byte{blob, blob[1000:501000], nil} {
		method := strings.Fields(reqs[i])[0]
		resp, err := http.ReadResponse(br, &http.Request{Method: method})
		if err != nil {
			t.Fatalf("fast path response %d: %v", i, err)
		}
		got, err := io.ReadAll(resp.Body)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("fast path response %d (%s): %d bytes, err %v; want the file's %d bytes", i, resp.Status, len(got), err, len(want))
		}
	}
}
