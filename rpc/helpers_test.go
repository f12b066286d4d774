package rpc

import (
	"context"
	"encoding/hex"
	"errors"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/phprun/phprun/engine"
	"github.com/phprun/phprun/engine/wire"
)

// testPools is an in-memory Pools over fixed engine.Stats values: test
// data for the services, not a stand-in for the server under test.
type testPools struct {
	mu     sync.Mutex
	names  []string
	stats  map[string]engine.Stats
	resets map[string]int
	block  chan struct{} // when set, Reset waits for it (or ctx)
	waits  int           // Reset calls that reached block
	fail   error
}

func (p *testPools) Names() []string { return p.names }

func (p *testPools) Stats(name string) (engine.Stats, bool) {
	s, ok := p.stats[name]
	return s, ok
}

func (p *testPools) Reset(ctx context.Context, name string) error {
	if p.block != nil {
		p.mu.Lock()
		p.waits++
		p.mu.Unlock()
		select {
		case <-p.block:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.fail != nil {
		return p.fail
	}
	if p.resets == nil {
		p.resets = map[string]int{}
	}
	p.resets[name]++
	return nil
}

// waiting reports how many Reset calls have reached block.
func (p *testPools) waiting() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.waits
}

func (p *testPools) resetCount(name string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.resets[name]
}

// created is a fixed worker start time; the PIDs below do not exist, so
// /proc contributes nothing and the engine's figures are reported.
var created = time.Date(2026, 11, 21, 20, 0, 0, 0, time.UTC)

func samplePools() *testPools {
	return &testPools{
		names: []string{"http"},
		stats: map[string]engine.Stats{"http": {
			Pool: "http",
			Workers: []engine.WorkerInfo{
				{PID: 999999901, State: engine.StateReady, NumExecs: 1234, RSS: 27_400_000, CPUPercent: 0.5, Created: created},
				{PID: 999999902, State: engine.StateWorking, NumExecs: 7, RSS: 2_500_000, CPUPercent: 12.345, Created: created.Add(time.Second)},
			},
		}},
	}
}

// serveLoopback serves srv on a loopback listener and returns its address,
// the function that stops Serve, and Serve's result.
func serveLoopback(t testing.TB, srv *Server) (addr string, stop context.CancelFunc, served <-chan error) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	return ln.Addr().String(), cancel, done
}

// startServer serves srv on a loopback listener until the test ends.
func startServer(t testing.TB, pools Pools, opts Options) (*Server, string) {
	t.Helper()
	srv, err := NewServer(pools, opts)
	if err != nil {
		t.Fatal(err)
	}
	addr, cancel, done := serveLoopback(t, srv)
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Serve: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Error("Serve did not return")
		}
	})
	return srv, addr
}

// rawConn is a test client that writes and reads frames by hand, as PHP does.
type rawConn struct {
	t    testing.TB
	conn net.Conn
	rd   *wire.Reader
}

func dialRaw(t testing.TB, addr string) *rawConn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	return &rawConn{t: t, conn: c, rd: wire.NewReader(c, 1024, 1<<20)}
}

func (r *rawConn) send(b []byte) {
	r.t.Helper()
	if _, err := r.conn.Write(b); err != nil {
		r.t.Fatal(err)
	}
}

// call sends a request frame and returns the reply frame (payload copied).
func (r *rawConn) call(flags byte, seq uint32, method string, arg []byte) wire.Frame {
	r.t.Helper()
	b, err := wire.AppendFrame(nil, flags, 0, []uint32{seq, uint32(len(method))}, []byte(method), arg)
	if err != nil {
		r.t.Fatal(err)
	}
	r.send(b)
	return r.read()
}

func (r *rawConn) read() wire.Frame {
	r.t.Helper()
	f, err := r.tryRead()
	if err != nil {
		r.t.Fatal(err)
	}
	return f
}

func (r *rawConn) tryRead() (wire.Frame, error) {
	var f wire.Frame
	if err := r.rd.ReadFrame(&f); err != nil {
		return f, err
	}
	f.Payload = append([]byte(nil), f.Payload...)
	return f, nil
}

// expectClosed checks that the server closed the connection.
func (r *rawConn) expectClosed() {
	r.t.Helper()
	f, err := r.tryRead()
	if err == nil {
		r.t.Fatalf("connection still open; got frame flags %#x payload %q", f.Flags, f.Payload)
	}
	if !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) && !strings.Contains(err.Error(), "reset") {
		r.t.Fatalf("want EOF, got %v", err)
	}
}

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
