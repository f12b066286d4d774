package rpc

import (
	"context"
	"errors"
	"io"
	"net"
	"net/rpc"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/phprun/phprun/engine/wire"
)

// wantStates is samplePools' http pool as informer.Workers reports it.
var wantStates = []*ProcessState{
	{Pid: 999999901, Status: 1, NumExecs: 1234, Created: created.UnixNano(), MemoryUsage: 27_400_000, CPUPercent: 0.5, StatusStr: "ready"},
	{Pid: 999999902, Status: 2, NumExecs: 7, Created: created.Add(time.Second).UnixNano(), MemoryUsage: 2_500_000, CPUPercent: 12.345, StatusStr: "working"},
}

// TestNetRPCRoundTrip drives the server with Go's own net/rpc client over
// the goridge client codec, in both codecs the real callers use.
func TestNetRPCRoundTrip(t *testing.T) {
	pools := samplePools()
	_, addr := startServer(t, pools, Options{Version: "2026.1.0", Config: func() ([]byte, error) {
		return []byte(`{"rpc":{"listen":"tcp://127.0.0.1:6001"}}`), nil
	}})
	for _, codec := range []byte{wire.CodecGob, wire.CodecJSON} {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		c := rpc.NewClientWithCodec(newClientCodec(conn, codec))

		var names []string
		if err := c.Call("informer.List", true, &names); err != nil || !reflect.DeepEqual(names, []string{"http"}) {
			t.Fatalf("codec %#x: informer.List = %v, %v", codec, names, err)
		}
		var wl WorkerList
		if err := c.Call("informer.Workers", "http", &wl); err != nil || !reflect.DeepEqual(wl.Workers, wantStates) {
			t.Fatalf("codec %#x: informer.Workers = %+v, %v", codec, wl.Workers, err)
		}
		var jobs []*JobState
		if err := c.Call("informer.Jobs", "http", &jobs); err != nil || len(jobs) != 0 {
			t.Fatalf("codec %#x: informer.Jobs = %v, %v", codec, jobs, err)
		}
		var ok bool
		if err := c.Call("resetter.Reset", "http", &ok); err != nil || !ok {
			t.Fatalf("codec %#x: resetter.Reset = %v, %v", codec, ok, err)
		}
		err = c.Call("resetter.Reset", "nope", &ok)
		if !errors.Is(err, rpc.ServerError("no such plugin: nope")) {
			t.Fatalf("codec %#x: reset of unknown plugin: %v", codec, err)
		}
		var version string
		if err := c.Call("rpc.Version", true, &version); err != nil || version != "2026.1.0" {
			t.Fatalf("codec %#x: rpc.Version = %q, %v", codec, version, err)
		}
		var cfg []byte
		if err := c.Call("rpc.Config", true, &cfg); err != nil || string(cfg) != `{"rpc":{"listen":"tcp://127.0.0.1:6001"}}` {
			t.Fatalf("codec %#x: rpc.Config = %q, %v", codec, cfg, err)
		}
		// Concurrent calls on one connection keep their replies apart.
		calls := make([]*rpc.Call, 20)
		for i := range calls {
			arg := "http"
			if i%2 == 1 {
				arg = "none"
			}
			calls[i] = c.Go("informer.Workers", arg, new(WorkerList), nil)
		}
		for i, call := range calls {
			<-call.Done
			n := len(call.Reply.(*WorkerList).Workers)
			if call.Error != nil || n != map[bool]int{true: 2, false: 0}[i%2 == 0] {
				t.Fatalf("codec %#x: concurrent call %d: %d workers, %v", codec, i, n, call.Error)
			}
		}
		c.Close()
	}
	if n := pools.resetCount("http"); n != 2 {
		t.Fatalf("http reset %d times, want 2", n)
	}
}

// rrProcessState mirrors the struct `rr workers` decodes informer.Workers
// into (RoadRunner's process.State): other integer widths, same names.
type rrProcessState struct {
	Pid         int
	Status      int64
	NumExecs    uint64
	Created     int64
	MemoryUsage uint64
	CPUPercent  float64
	Command     string
	StatusStr   string
}

type rrWorkerList struct {
	Workers []*rrProcessState
}

// rrJobState mirrors RoadRunner's jobs.State.
type rrJobState struct {
	Pipeline, Driver, Queue   string
	Active, Delayed, Reserved int64
	Ready                     bool
	Priority                  uint64
	ErrorMessage              string
}

func TestGobMatchesRoadRunnerTypes(t *testing.T) {
	_, addr := startServer(t, samplePools(), Options{})
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	c := rpc.NewClientWithCodec(newClientCodec(conn, wire.CodecGob))
	defer c.Close()
	var wl rrWorkerList
	if err := c.Call("informer.Workers", "http", &wl); err != nil {
		t.Fatal(err)
	}
	if len(wl.Workers) != 2 || wl.Workers[0].Pid != 999999901 || wl.Workers[1].StatusStr != "working" || wl.Workers[1].CPUPercent != 12.345 {
		t.Fatalf("decoded as rr's types: %+v", wl.Workers)
	}
	var jobs []*rrJobState
	if err := c.Call("informer.Jobs", "http", &jobs); err != nil || len(jobs) != 0 {
		t.Fatalf("informer.Jobs as rr's types: %v, %v", jobs, err)
	}
}

func TestClient(t *testing.T) {
	pools := samplePools()
	_, addr := startServer(t, pools, Options{Version: "v9"})
	c, err := Dial("tcp://" + addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	if names, err := c.List(ctx); err != nil || !reflect.DeepEqual(names, []string{"http"}) {
		t.Fatalf("List = %v, %v", names, err)
	}
	if names, err := c.Resettable(ctx); err != nil || !reflect.DeepEqual(names, []string{"http"}) {
		t.Fatalf("Resettable = %v, %v", names, err)
	}
	ws, err := c.Workers(ctx, "http")
	if err != nil || len(ws) != 2 || ws[0] != *wantStates[0] || ws[1] != *wantStates[1] {
		t.Fatalf("Workers = %+v, %v", ws, err)
	}
	if ws, err := c.Workers(ctx, "nope"); err != nil || len(ws) != 0 {
		t.Fatalf("Workers(nope) = %+v, %v", ws, err)
	}
	if v, err := c.Version(ctx); err != nil || v != "v9" {
		t.Fatalf("Version = %q, %v", v, err)
	}
	if err := c.Reset(ctx, "http"); err != nil || pools.resetCount("http") != 1 {
		t.Fatalf("Reset = %v (count %d)", err, pools.resetCount("http"))
	}
	err = c.Reset(ctx, "jobs")
	if err == nil || !strings.Contains(err.Error(), "no such plugin: jobs") || !strings.Contains(err.Error(), addr) {
		t.Fatalf("Reset(jobs) = %v", err)
	}
	pools.fail = errors.New("engine: boot failed: parse error")
	if err := c.Reset(ctx, "http"); err == nil || !strings.Contains(err.Error(), "parse error") {
		t.Fatalf("failing reset = %v", err)
	}
}

func TestClientContext(t *testing.T) {
	pools := samplePools()
	pools.block = make(chan struct{})
	_, addr := startServer(t, pools, Options{})
	c, err := Dial("tcp://" + addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := c.Reset(ctx, "http"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Reset past deadline = %v", err)
	}
	close(pools.block)
	// The connection is still usable; the late reply was dropped.
	if _, err := c.List(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestDialErrors(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	_, err = Dial("tcp://" + addr)
	if err == nil {
		t.Fatal("Dial to a closed port succeeded")
	}
	for _, want := range []string{"tcp://" + addr, "-o rpc.listen=", "rpc.listen key"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	_, err = Dial("127.0.0.1:6001")
	if err == nil || !strings.Contains(err.Error(), "rpc.listen") || !strings.Contains(err.Error(), "-o rpc.listen=") {
		t.Fatalf("Dial without scheme: %v", err)
	}
}

func TestDialUnspecifiedHost(t *testing.T) {
	_, addr := startServer(t, samplePools(), Options{})
	_, port, _ := net.SplitHostPort(addr)
	for _, listen := range []string{"tcp://0.0.0.0:" + port, "tcp://:" + port} {
		c, err := Dial(listen)
		if err != nil {
			t.Fatalf("Dial(%s): %v", listen, err)
		}
		if c.Addr() != "tcp://127.0.0.1:"+port {
			t.Errorf("Dial(%s) dialled %s", listen, c.Addr())
		}
		c.Close()
	}
}

// TestShutdownDrains: a call in flight when the server stops still gets
// its reply; new connections are refused; Serve returns nil.
func TestShutdownDrains(t *testing.T) {
	pools := samplePools()
	pools.block = make(chan struct{})
	srv, err := NewServer(pools, Options{})
	if err != nil {
		t.Fatal(err)
	}
	addr, cancel, served := serveLoopback(t, srv)

	busy, err := Dial("tcp://" + addr)
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	idle, err := Dial("tcp://" + addr)
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()
	if _, err := idle.List(context.Background()); err != nil {
		t.Fatal(err)
	}
	resetDone := make(chan error, 1)
	go func() { resetDone <- busy.Reset(context.Background(), "http") }()
	waitFor(t, func() bool { return pools.waiting() > 0 })
	cancel()
	waitFor(t, srv.isShutdown)
	// The idle connection is closed at once.
	if _, err := idle.List(context.Background()); err == nil {
		t.Fatal("idle connection still served after shutdown began")
	}
	if _, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		t.Fatal("listener still accepting")
	}
	select {
	case err := <-served:
		t.Fatalf("Serve returned before the reset finished: %v", err)
	case <-time.After(50 * time.Millisecond):
	}
	close(pools.block)
	if err := <-resetDone; err != nil {
		t.Fatalf("reset in flight during shutdown: %v", err)
	}
	if err := <-served; err != nil {
		t.Fatalf("Serve: %v", err)
	}
}

// TestShutdownDeadline: a call that outlives the grace period is cancelled
// and its connection closed.
func TestShutdownDeadline(t *testing.T) {
	pools := samplePools()
	pools.block = make(chan struct{}) // never closed: only ctx ends Reset
	srv, err := NewServer(pools, Options{GracePeriod: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	addr, cancel, served := serveLoopback(t, srv)
	c, err := Dial("tcp://" + addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	resetDone := make(chan error, 1)
	go func() { resetDone <- c.Reset(context.Background(), "http") }()
	time.Sleep(50 * time.Millisecond)
	cancel()
	if err := <-served; !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Serve = %v, want deadline exceeded", err)
	}
	select {
	case err := <-resetDone:
		if err == nil {
			t.Fatal("reset succeeded after being cancelled")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("client never saw the connection close")
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for i := 0; i < 500; i++ {
		if cond() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("condition not reached in 5s")
}

// TestClientWrongServer: rpc.listen pointing at something that is not a
// goridge RPC server gives an error that says so.
func TestClientWrongServer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for i := 0; i < 3; i++ {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			if i == 2 { // a server that talks first, as SSH does
				_, _ = conn.Write([]byte("SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n"))
				_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
				_, _ = io.Copy(io.Discard, conn)
				conn.Close()
				continue
			}
			if i == 0 { // an HTTP server answering garbage
				// Read the request first, as an HTTP server does: garbage
				// sent before the call is pending would only shut the
				// client down ("connection closed"), never be reported.
				_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
				_, _ = conn.Read(make([]byte, 64))
				_, _ = conn.Write([]byte("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n"))
				// Half-close and wait for the client to hang up: closing
				// with its request unread would send a RST, which can reach
				// the client before the bytes above.
				_ = conn.(*net.TCPConn).CloseWrite()
				_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
				_, _ = io.Copy(io.Discard, conn)
			}
			conn.Close() // i == 1: a server that hangs up
		}
	}()
	for _, want := range []string{"does not speak goridge RPC", "connection closed by the server", "does not speak goridge RPC"} {
		c, err := Dial("tcp://" + ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_, err = c.List(ctx)
		cancel()
		c.Close()
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), ln.Addr().String()) {
			t.Errorf("List = %v, want %q", err, want)
		}
	}
}
