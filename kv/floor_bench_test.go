package kv_test

import (
	"errors"
	"io"
	"net"
	"testing"

	"github.com/phprun/phprun/engine/wire"
)

// BenchmarkLoopbackFloor is what the kernel and the Go runtime cost per
// round trip on this machine, with no RPC server at all: the same client
// process and the same request bytes as BenchmarkRPCServerCPU (a kv.Set
// and a kv.MGet frame, alternating), answered by a minimal Go echo (one
// read, one write of the same bytes, one goroutine per connection),
// measured the same way. BenchmarkRPCServerCPU minus this is the part of
// the per-call CPU that phprun's own code spends.
func BenchmarkLoopbackFloor(b *testing.B) {
	for _, network := range []string{"tcp", "unix"} {
		b.Run(network, func(b *testing.B) {
			ln := listenBench(b, network)
			done := make(chan struct{})
			go func() { defer close(done); echo(ln) }()
			b.Cleanup(func() { _ = ln.Close(); <-done })
			measureServerCPU(b, "TestEchoClientHelper", network, ln.Addr().String())
		})
	}
}

// echo serves each connection of ln by writing back what it reads, until
// ln is closed.
func echo(ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		go func() {
			defer c.Close()
			buf := make([]byte, 4<<10)
			for {
				n, err := c.Read(buf)
				if n > 0 {
					if _, werr := c.Write(buf[:n]); werr != nil {
						return
					}
				}
				if err != nil {
					return
				}
			}
		}()
	}
}

// TestEchoClientHelper is BenchmarkLoopbackFloor's client: it sends the kv
// request frames BenchmarkRPCServerCPU's client sends and reads each one
// back whole. It does nothing in a normal test run.
func TestEchoClientHelper(t *testing.T) {
	c, n, ok := benchClient(t)
	if !ok {
		t.Skip("the client half of BenchmarkLoopbackFloor")
	}
	set, get := benchRequests()
	var frames [2][]byte
	for i, r := range []struct {
		method string
		body   []byte
	}{{"kv.Set", set}, {"kv.MGet", get}} {
		var err error
		frames[i], err = wire.AppendFrame(nil, wire.CodecProto, 0, []uint32{1, uint32(len(r.method))}, []byte(r.method), r.body)
		if err != nil {
			t.Fatal(err)
		}
	}
	back := make([]byte, 4<<10)
	for i := range n {
		f := frames[i%2]
		if _, err := c.Write(f); err != nil {
			t.Fatal(err)
		}
		if _, err := io.ReadFull(c, back[:len(f)]); err != nil {
			if errors.Is(err, io.EOF) {
				t.Fatal("echo closed the connection")
			}
			t.Fatal(err)
		}
	}
}
