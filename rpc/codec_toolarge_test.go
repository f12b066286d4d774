package rpc

import (
	"strings"
	"testing"
	"time"

	"github.com/phprun/phprun/engine/wire"
)

// TestTooLargeRequestKeepsConnection: a well-formed request over
// rpc.max_request_bytes (a PHP worker caching a value over the limit with
// the official kv client) gets an ERROR reply with its seq, and the same
// connection then serves the next request, as it would under RoadRunner.
// Before, the connection was closed and every later call of that worker
// failed with "Unable to write payload to the stream".
func TestTooLargeRequestKeepsConnection(t *testing.T) {
	_, addr := startServer(t, samplePools(), Options{MaxPayload: 1 << 10})
	rc := dialRaw(t, addr)
	_ = rc.conn.SetDeadline(time.Now().Add(5 * time.Second))
	big, err := wire.AppendFrame(nil, wire.CodecJSON, 0, []uint32{6, 13}, []byte("informer.List"), []byte(strings.Repeat(" ", 10<<10)+"true"))
	if err != nil {
		t.Fatal(err)
	}
	for round := range 3 { // the payload is skipped whole every time
		rc.send(big)
		f := rc.read()
		if f.Flags&wire.Error == 0 || !strings.Contains(string(f.Payload), "request of 10257 bytes exceeds rpc.max_request_bytes (1024)") {
			t.Fatalf("round %d: reply flags %#x payload %q", round, f.Flags, f.Payload)
		}
		if o := f.Opts(); len(o) != 2 || o[0] != 6 || o[1] != 0 {
			t.Fatalf("round %d: options %v", round, o)
		}
		if f := rc.call(wire.CodecJSON, uint32(7+round), "informer.List", []byte("true")); string(f.Payload) != `informer.List["http"]` {
			t.Fatalf("round %d: next call on the same connection: flags %#x payload %q", round, f.Flags, f.Payload)
		}
	}
}
