package rpc

import (
	"net"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/phprun/phprun/engine/wire"
)

// The RPC port has no authentication: any local process can connect. These
// tests play such a process. Whatever it sends, phprun's memory stays
// bounded by what actually arrives, a broken stream ends that connection
// only, and other clients keep being served.

// TestRPCHeaderFlood: connections that announce large payloads and send
// nothing must not make the server allocate the announced sizes (issue #16:
// 30 connections announcing 64 MiB, three times over, took RSS to 1.9 GB).
func TestRPCHeaderFlood(t *testing.T) {
	const (
		limit = 8 << 20 // under the limit, so the server waits for the payload
		conns = 30
	)
	_, addr := startServer(t, samplePools(), Options{MaxPayload: limit})
	hdr, err := wire.AppendHeader(nil, wire.CodecJSON, 0, limit, 1, 13)
	if err != nil {
		t.Fatal(err)
	}
	before := heapInUse()
	var cs []net.Conn
	for range conns {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		if _, err := c.Write(append(hdr, "informer.List"...)); err != nil {
			t.Fatal(err)
		}
		cs = append(cs, c)
	}
	// Give the server time to read every header.
	rc := dialRaw(t, addr)
	if f := rc.call(wire.CodecJSON, 1, "informer.List", []byte("true")); !strings.Contains(string(f.Payload), "http") {
		t.Fatalf("other client: %q", f.Payload)
	}
	time.Sleep(200 * time.Millisecond)
	grown := int64(heapInUse()) - int64(before)
	if grown > 16<<20 {
		t.Fatalf("heap grew by %d MiB for %d connections announcing %d MiB each", grown>>20, conns, limit>>20)
	}
	t.Logf("heap grew by %d KiB for %d connections announcing %d MiB each", grown>>10, len(cs), limit>>20)
}

func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

// TestRPCAdversarial: hostile byte streams each end their own connection
// (after an ERROR reply where the request can be answered), quickly, and
// the server keeps serving.
func TestRPCAdversarial(t *testing.T) {
	_, addr := startServer(t, samplePools(), Options{})
	huge, err := wire.AppendHeader(nil, wire.CodecJSON, 0, 64<<20, 3, 13)
	if err != nil {
		t.Fatal(err)
	}
	hugeNoOpts, _ := wire.AppendHeader(nil, wire.CodecGob, 0, 1<<31)
	for _, tc := range []struct {
		name  string
		bytes []byte
		reply string // expected in an ERROR reply before the close; "" for none
		seq   uint32
	}{
		{"64 MiB announced", huge, "request of 67108864 bytes exceeds rpc.max_request_bytes (1048576)", 3},
		{"2 GiB announced without options", hugeNoOpts, "exceeds rpc.max_request_bytes", 0},
		{"HTTP request", []byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), "", 0},
		{"TLS client hello", []byte{0x16, 0x03, 0x01, 0x00, 0xa5, 0x01, 0x00, 0x00, 0xa1, 0x03, 0x03, 0, 0, 0}, "", 0},
		{"version 2 header", []byte{0x23, 0x08, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, "", 0},
		{"header length 15", []byte{0x1f, 0x08, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, "", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rc := dialRaw(t, addr)
			_ = rc.conn.SetDeadline(time.Now().Add(3 * time.Second))
			rc.send(tc.bytes)
			if tc.reply != "" {
				f := rc.read()
				if f.Flags&wire.Error == 0 || !strings.Contains(string(f.Payload), tc.reply) {
					t.Fatalf("reply flags %#x payload %q, want ERROR with %q", f.Flags, f.Payload, tc.reply)
				}
				if o := f.Opts(); len(o) != 2 || o[0] != tc.seq || o[1] != 0 {
					t.Fatalf("options %v", o)
				}
			}
			rc.expectClosed()
		})
	}
	t.Run("half a header stalls nobody", func(t *testing.T) {
		slow := dialRaw(t, addr)
		slow.send(huge[:7])
		rc := dialRaw(t, addr)
		if f := rc.call(wire.CodecJSON, 1, "informer.List", []byte("true")); !strings.Contains(string(f.Payload), "http") {
			t.Fatalf("reply %q", f.Payload)
		}
	})
	t.Run("pipelined requests after a bad one are not run", func(t *testing.T) {
		bad, _ := wire.AppendFrame(nil, wire.CodecJSON, 0, []uint32{1}, []byte("x"))
		good, _ := wire.AppendFrame(nil, wire.CodecJSON, 0, []uint32{2, 13}, []byte("informer.List"), []byte("true"))
		rc := dialRaw(t, addr)
		rc.send(append(bad, good...))
		if f := rc.read(); f.Flags&wire.Error == 0 {
			t.Fatalf("first reply is not an error: %q", f.Payload)
		}
		rc.expectClosed()
	})
}
