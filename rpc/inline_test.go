package rpc

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/phprun/phprun/engine/wire"
)

// TestPipelinedCalls: a Go net/rpc client that sends calls from many
// goroutines on one connection, without waiting for replies, gets every
// reply matched to its call, though the server answers them one by one.
func TestPipelinedCalls(t *testing.T) {
	_, addr := startServer(t, samplePools(), Options{Version: "9.9.9"})
	c, err := Dial("tcp://" + addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for g := range 16 {
		wg.Go(func() {
			for i := range 20 {
				var err error
				switch (g + i) % 3 {
				case 0:
					var ws []ProcessState
					ws, err = c.Workers(ctx, "http")
					if err == nil && (len(ws) != 2 || ws[0].Pid != 999999901) {
						err = fmt.Errorf("workers: got %+v", ws)
					}
				case 1:
					var names []string
					names, err = c.List(ctx)
					if err == nil && strings.Join(names, ",") != "http" {
						err = fmt.Errorf("list: got %v", names)
					}
				default:
					var v string
					v, err = c.Version(ctx)
					if err == nil && v != "9.9.9" {
						err = fmt.Errorf("version: got %q", v)
					}
				}
				if err != nil {
					errs <- fmt.Errorf("goroutine %d call %d: %w", g, i, err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestPipelinedFramesInOrder: requests written back to back in one write,
// including an unknown method and a repeated seq, are answered in the order
// sent, each with its own seq and method, and the bad one does not end the
// connection.
func TestPipelinedFramesInOrder(t *testing.T) {
	_, addr := startServer(t, samplePools(), Options{Version: "9.9.9"})
	rc := dialRaw(t, addr)
	reqs := []struct {
		seq    uint32
		method string
		arg    string
		err    bool
	}{
		{7, "rpc.Version", "true", false},
		{8, "nope.Nope", "true", true},
		{7, "informer.List", "true", false},
		{9, "informer.Workers", `"http"`, false},
	}
	var b []byte
	for _, r := range reqs {
		var err error
		b, err = wire.AppendFrame(b, wire.CodecJSON, 0, []uint32{r.seq, uint32(len(r.method))}, []byte(r.method), []byte(r.arg))
		if err != nil {
			t.Fatal(err)
		}
	}
	rc.send(b)
	for i, r := range reqs {
		f := rc.read()
		o := f.Opts()
		if len(o) != 2 || o[0] != r.seq || string(f.Payload[:o[1]]) != r.method {
			t.Fatalf("reply %d: options %v, method %q; want seq %d, %s", i, o, f.Payload[:o[1]], r.seq, r.method)
		}
		if got := f.Flags&wire.Error != 0; got != r.err {
			t.Fatalf("reply %d (%s): error flag %v, body %q", i, r.method, got, f.Payload[o[1]:])
		}
	}
	if f := rc.call(wire.CodecJSON, 10, "rpc.Version", []byte("true")); string(f.Payload[11:]) != `"9.9.9"` {
		t.Fatalf("after the pipeline: %q", f.Payload)
	}
}

// TestSlowCallDoesNotBlockOtherConnections: each connection is served on
// its own goroutine, so a call that waits (a reset of a busy pool) holds
// only its own connection.
func TestSlowCallDoesNotBlockOtherConnections(t *testing.T) {
	pools := samplePools()
	pools.block = make(chan struct{})
	_, addr := startServer(t, pools, Options{})
	slow, err := Dial("tcp://" + addr)
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Close()
	fast, err := Dial("tcp://" + addr)
	if err != nil {
		t.Fatal(err)
	}
	defer fast.Close()

	resetDone := make(chan error, 1)
	go func() { resetDone <- slow.Reset(context.Background(), "http") }()
	waitFor(t, func() bool { return pools.waiting() > 0 })
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for range 10 {
		if _, err := fast.Workers(ctx, "http"); err != nil {
			t.Fatalf("other connection while a call is slow: %v", err)
		}
	}
	select {
	case err := <-resetDone:
		t.Fatalf("reset returned before it was let go: %v", err)
	default:
	}
	close(pools.block)
	if err := <-resetDone; err != nil {
		t.Fatalf("slow reset: %v", err)
	}
}
