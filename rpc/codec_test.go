package rpc

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/phprun/phprun/engine/wire"
)

// phpWorkersRequest is PROTOCOL.md 1.7's "PHP RPC request" vector:
// informer.Workers with the JSON argument "http", seq 1. The document
// elides the payload after "info"; the rest is the method and argument.
const phpWorkersRequestHex = "15 08 16 00 00 00 09 71 db a7 00 00 01 00 00 00 10 00 00 00 69 6e 66 6f"

func TestGoldenRequestFrame(t *testing.T) {
	golden := unhex(t, phpWorkersRequestHex)
	// What the Go client codec sends for the same call with the JSON codec.
	var buf bytes.Buffer
	c := newClientCodec(nopCloser{&buf}, wire.CodecJSON)
	if err := c.WriteRequest(&rpcRequest{Seq: 1, ServiceMethod: "informer.Workers"}, "http"); err != nil {
		t.Fatal(err)
	}
	got := buf.Bytes()
	if !bytes.HasPrefix(got, golden) {
		t.Fatalf("request frame\n got % x\nwant % x…", got, golden)
	}
	if want := `informer.Workers"http"`; string(got[20:]) != want {
		t.Fatalf("payload %q, want %q", got[20:], want)
	}
}

// TestGoldenRequestServed sends the golden bytes (completed with the
// elided payload) and checks the reply frame byte by byte.
func TestGoldenRequestServed(t *testing.T) {
	_, addr := startServer(t, samplePools(), Options{})
	rc := dialRaw(t, addr)
	req := append(unhex(t, phpWorkersRequestHex), "rmer.Workers\"http\""...)
	rc.send(req)
	f := rc.read()

	wantJSON := `{"workers":[` +
		`{"pid":999999901,"status":1,"numExecs":1234,"created":1795291200000000000,"memoryUsage":27400000,"CPUPercent":0.5,"command":"","statusStr":"ready"},` +
		`{"pid":999999902,"status":2,"numExecs":7,"created":1795291201000000000,"memoryUsage":2500000,"CPUPercent":12.345,"command":"","statusStr":"working"}]}`
	want, err := wire.AppendFrame(nil, wire.CodecJSON, 0, []uint32{1, 16}, []byte("informer.Workers"+wantJSON))
	if err != nil {
		t.Fatal(err)
	}
	got, _ := wire.AppendFrame(nil, f.Flags, f.Byte10, f.Opts(), f.Payload)
	if !bytes.Equal(got, want) {
		t.Fatalf("reply\n got %q\nwant %q", got, want)
	}
	// The header as PHP unpacks it: version 1, HL 5, flags JSON, no ERROR.
	if got[0] != 0x15 || got[1] != 0x08 || got[10] != 0 || got[11] != 0 {
		t.Fatalf("header % x", got[:12])
	}
}

func TestSequenceEcho(t *testing.T) {
	_, addr := startServer(t, samplePools(), Options{})
	rc := dialRaw(t, addr)
	// PHP starts at 1 and counts up; Go's net/rpc starts at 0; uint32 wraps.
	for _, seq := range []uint32{1, 2, 3, 0, 7, 0xFFFFFFFF} {
		f := rc.call(wire.CodecJSON, seq, "informer.List", []byte("true"))
		if o := f.Opts(); len(o) != 2 || o[0] != seq || o[1] != uint32(len("informer.List")) {
			t.Fatalf("seq %d: reply options %v", seq, o)
		}
		if f.Flags != wire.CodecJSON {
			t.Fatalf("seq %d: flags %#x", seq, f.Flags)
		}
		if string(f.Payload) != `informer.List["http"]` {
			t.Fatalf("seq %d: payload %q", seq, f.Payload)
		}
	}
}

// TestReplyCodec checks that the reply carries the codec chosen by
// goridge's priority from the request flags.
func TestReplyCodec(t *testing.T) {
	_, addr := startServer(t, samplePools(), Options{Version: "v1.2.3"})
	rc := dialRaw(t, addr)
	for _, tc := range []struct {
		flags, want byte
		arg         []byte
	}{
		{wire.CodecJSON, wire.CodecJSON, []byte("true")},
		{wire.CodecJSON | wire.CodecGob, wire.CodecJSON, []byte("true")},
		{wire.CodecGob, wire.CodecGob, gobBytes(t, true)},
		{0, wire.CodecGob, gobBytes(t, true)},      // no codec bit: gob
		{wire.CodecJSON, wire.CodecJSON, nil},      // empty argument: zero value
		{wire.CodecGob | 0x02, wire.CodecGob, nil}, // unused bit ignored
	} {
		f := rc.call(tc.flags, 5, "rpc.Version", tc.arg)
		if f.Flags != tc.want {
			t.Errorf("flags %#x: reply flags %#x, want %#x (payload %q)", tc.flags, f.Flags, tc.want, f.Payload)
			continue
		}
		var v string
		decodeAs(t, tc.want, f.Payload[len("rpc.Version"):], &v)
		if v != "v1.2.3" {
			t.Errorf("flags %#x: version %q", tc.flags, v)
		}
	}
}

func TestErrorFlag(t *testing.T) {
	pools := samplePools()
	_, addr := startServer(t, pools, Options{})
	rc := dialRaw(t, addr)
	for _, tc := range []struct {
		flags  byte
		method string
		arg    string
		want   string
	}{
		{wire.CodecJSON, "nope.Nope", `true`, "rpc: can't find service nope.Nope"},
		{wire.CodecJSON, "informer.Nope", `true`, "rpc: can't find method informer.Nope"},
		{wire.CodecJSON, "informer", `true`, "rpc: service/method request ill-formed: informer"},
		{wire.CodecJSON, "resetter.Reset", `"jobs"`, "no such plugin: jobs"},
		{wire.CodecJSON, "informer.Workers", `{"not":"a string"}`, "rpc: decode argument: json: cannot unmarshal object"},
		{wire.CodecJSON, "informer.AddWorker", `"http"`, "plugin does not support workers management"},
		{wire.CodecGob, "resetter.Reset", "\x03garbage", "rpc: decode argument:"},
		{wire.CodecProto, "informer.List", "\x08\x01", "rpc: protobuf codec is not supported by this server"},
		{wire.CodecMsgpack, "informer.List", "\xc3", "rpc: msgpack codec is not supported"},
		{wire.CodecRaw, "informer.List", "x", "rpc: raw codec needs a []byte argument, the method takes *bool"},
	} {
		f := rc.call(tc.flags, 42, tc.method, []byte(tc.arg))
		if f.Flags != tc.flags|wire.Error {
			t.Errorf("%s: flags %#x, want %#x", tc.method, f.Flags, tc.flags|wire.Error)
		}
		if o := f.Opts(); len(o) != 2 || o[0] != 42 || o[1] != uint32(len(tc.method)) {
			t.Errorf("%s: options %v", tc.method, o)
			continue
		}
		if m := string(f.Payload[:len(tc.method)]); m != tc.method {
			t.Errorf("echoed method %q, want %q", m, tc.method)
		}
		if msg := string(f.Payload[len(tc.method):]); !strings.HasPrefix(msg, tc.want) {
			t.Errorf("%s: error %q, want prefix %q", tc.method, msg, tc.want)
		}
	}
	// The connection survived every error above.
	if f := rc.call(wire.CodecJSON, 43, "informer.List", []byte("true")); f.Flags != wire.CodecJSON {
		t.Fatalf("after errors: flags %#x payload %q", f.Flags, f.Payload)
	}
	if pools.resetCount("jobs") != 0 {
		t.Fatal("unknown plugin was reset")
	}
}

func TestMalformedFramesCloseConnection(t *testing.T) {
	_, addr := startServer(t, samplePools(), Options{MaxPayload: 1 << 10})
	frame := func(opts []uint32, payload string) []byte {
		b, err := wire.AppendFrame(nil, wire.CodecJSON, 0, opts, []byte(payload))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for _, tc := range []struct {
		name  string
		bytes []byte
		reply string // error text expected before the close; "" for none
		seq   uint32
	}{
		{"no options", frame(nil, "informer.List"), "want 2 options [seq, method length], got 0", 0},
		{"one option", frame([]uint32{9}, "informer.List"), "got 1", 9},
		{"three options", frame([]uint32{4, 13, 0}, "informer.Listtrue"), "got 3", 4},
		{"method past payload", frame([]uint32{5, 99}, "informer.List"), "method length 99 exceeds payload length 13", 5},
		{"bad crc", append([]byte{0x15, 0x08, 0, 0, 0, 0, 1, 2, 3, 4, 0, 0}, make([]byte, 8)...), "", 0},
		{"too large without a method length", frame([]uint32{6}, strings.Repeat("x", 2<<10)), "request of 2048 bytes exceeds rpc.max_request_bytes (1024)", 6},
		{"too large past the skip bound", frame([]uint32{7, 1}, strings.Repeat("x", 17<<10)), "request of 17408 bytes exceeds rpc.max_request_bytes (1024)", 7},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rc := dialRaw(t, addr)
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
	// The server still serves new connections.
	rc := dialRaw(t, addr)
	if f := rc.call(wire.CodecJSON, 1, "informer.List", []byte("true")); string(f.Payload) != `informer.List["http"]` {
		t.Fatalf("after malformed frames: %q", f.Payload)
	}
}

// TestEmptyListsNotNull: PHP's WorkerPool maps over "workers" without a
// null check, and rr's CLI ranges over the lists.
func TestEmptyListsNotNull(t *testing.T) {
	_, addr := startServer(t, &testPools{}, Options{})
	rc := dialRaw(t, addr)
	for _, tc := range []struct{ method, arg, want string }{
		{"informer.Workers", `"http"`, `{"workers":[]}`},
		{"informer.Workers", `"nope"`, `{"workers":[]}`},
		{"informer.List", `true`, `[]`},
		{"resetter.List", `true`, `[]`},
		{"informer.Jobs", `"http"`, `[]`},
	} {
		f := rc.call(wire.CodecJSON, 1, tc.method, []byte(tc.arg))
		if got := string(f.Payload[len(tc.method):]); got != tc.want {
			t.Errorf("%s(%s) = %s, want %s", tc.method, tc.arg, got, tc.want)
		}
	}
}

// echo is a service registered from outside the core, with a raw argument.
type echo struct{}

func (echo) Bytes(in []byte, out *[]byte) error {
	*out = append([]byte("echo:"), in...)
	return nil
}

func (echo) Upper(in string, out *string) error {
	*out = strings.ToUpper(in)
	return nil
}

func TestRegisterAndRawCodec(t *testing.T) {
	srv, addr := startServer(t, samplePools(), Options{})
	if err := srv.Register("echo", echo{}); err != nil {
		t.Fatal(err)
	}
	if err := srv.Register("bad", struct{}{}); err == nil {
		t.Fatal("registering a type without methods succeeded")
	}
	rc := dialRaw(t, addr)
	f := rc.call(wire.CodecRaw, 3, "echo.Bytes", []byte{0, 1, 2, 0xff})
	if f.Flags != wire.CodecRaw || string(f.Payload) != "echo.Bytesecho:\x00\x01\x02\xff" {
		t.Fatalf("raw: flags %#x payload %q", f.Flags, f.Payload)
	}
	f = rc.call(wire.CodecJSON, 4, "echo.Upper", []byte(`"abc"`))
	if string(f.Payload) != `echo.Upper"ABC"` {
		t.Fatalf("json: %q", f.Payload)
	}
	// A reply the raw codec cannot carry becomes an ERROR frame.
	f = rc.call(wire.CodecRaw, 5, "echo.Upper", nil)
	if f.Flags != wire.CodecRaw|wire.Error {
		t.Fatalf("raw string arg: flags %#x payload %q", f.Flags, f.Payload)
	}
}

// testProto stands in for the protobuf codec that the kv and jobs services
// will bring: it only has to show the server routes 0x80 through it.
type testProto struct{}

func (testProto) Unmarshal(b []byte, v any) error {
	p, ok := v.(*string)
	if !ok {
		return fmt.Errorf("want *string, got %T", v)
	}
	*p = "proto:" + string(b)
	return nil
}

func (testProto) Marshal(v any) ([]byte, error) {
	p, ok := v.(*string)
	if !ok {
		return nil, fmt.Errorf("want *string, got %T", v)
	}
	return []byte(*p), nil
}

func TestProtoCodecOption(t *testing.T) {
	srv, addr := startServer(t, samplePools(), Options{Proto: testProto{}})
	if err := srv.Register("echo", echo{}); err != nil {
		t.Fatal(err)
	}
	rc := dialRaw(t, addr)
	f := rc.call(wire.CodecProto, 1, "echo.Upper", []byte("xy"))
	if f.Flags != wire.CodecProto || string(f.Payload) != "echo.UpperPROTO:XY" {
		t.Fatalf("flags %#x payload %q", f.Flags, f.Payload)
	}
}

func decodeAs(t *testing.T, codec byte, b []byte, v any) {
	t.Helper()
	var err error
	if codec == wire.CodecJSON {
		err = json.Unmarshal(b, v)
	} else {
		err = gobDecode(b, v)
	}
	if err != nil {
		t.Fatalf("decode %q: %v", b, err)
	}
}
