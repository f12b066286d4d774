package kv_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/phprun/phprun/engine"
	"github.com/phprun/phprun/engine/wire"
	"github.com/phprun/phprun/internal/protocodec"
	"github.com/phprun/phprun/kv"
	"github.com/phprun/phprun/kv/kvv1"
	"github.com/phprun/phprun/kv/memory"
	"github.com/phprun/phprun/rpc"
	"google.golang.org/protobuf/proto"
)

// noPools is an rpc.Pools with no pool: these tests only need kv.*.
type noPools struct{}

func (noPools) Names() []string                     { return nil }
func (noPools) Stats(string) (engine.Stats, bool)   { return engine.Stats{}, false }
func (noPools) Reset(context.Context, string) error { return nil }
func testDrivers() map[string]kv.Driver             { return map[string]kv.Driver{"memory": memory.Driver{}} }

// startRPC serves the kv plugin of cfg on a loopback port.
func startRPC(t testing.TB, cfg kv.Config, drivers map[string]kv.Driver) (string, *kv.Plugin) {
	t.Helper()
	p, err := kv.Open(context.Background(), cfg, drivers)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := rpc.NewServer(noPools{}, rpc.Options{Proto: protocodec.Codec{}})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Register("kv", p.Service()); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = srv.Serve(ctx, ln); close(done) }()
	t.Cleanup(func() { cancel(); <-done; _ = p.Close() })
	return ln.Addr().String(), p
}

// conn is a goridge RPC connection speaking raw frames, as PHP does.
type conn struct {
	t   testing.TB
	c   net.Conn
	rd  *wire.Reader
	seq uint32
	buf []byte
}

func dial(t testing.TB, addr string) *conn {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return &conn{t: t, c: c, rd: wire.NewReader(c, 4096, 1<<26)}
}

// raw sends method ‖ body with the protobuf flag and returns the reply's
// flags and body (after the method name).
func (c *conn) raw(method string, body []byte) (byte, []byte) {
	c.seq++
	var err error
	c.buf, err = wire.AppendFrame(c.buf[:0], wire.CodecProto, 0, []uint32{c.seq, uint32(len(method))}, []byte(method), body)
	if err != nil {
		c.t.Fatal(err)
	}
	if _, err := c.c.Write(c.buf); err != nil {
		c.t.Fatal(err)
	}
	var f wire.Frame
	if err := c.rd.ReadFrame(&f); err != nil {
		c.t.Fatal(err)
	}
	o := f.Opts()
	if len(o) != 2 || o[0] != c.seq || string(f.Payload[:o[1]]) != method {
		c.t.Fatalf("reply options %v, method %q", o, f.Payload[:o[1]])
	}
	return f.Flags, bytes.Clone(f.Payload[o[1]:])
}

// call encodes req and decodes the reply; an error reply is returned as text.
func (c *conn) call(method string, req *kvv1.Request) (*kvv1.Response, string) {
	b, err := proto.Marshal(req)
	if err != nil {
		c.t.Fatal(err)
	}
	flags, body := c.raw(method, b)
	if flags&wire.Error != 0 {
		return nil, string(body)
	}
	var out kvv1.Response
	if err := proto.Unmarshal(body, &out); err != nil {
		c.t.Fatal(err)
	}
	return &out, ""
}

func unhex(t testing.TB, s string) []byte {
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestGoldenVectors replays the bodies captured from RoadRunner with the
// official PHP client (PROTOCOL-PLUGINS.md 5.3) and expects the same reply
// bytes.
func TestGoldenVectors(t *testing.T) {
	addr, _ := startRPC(t, kv.Config{"st": {Driver: "memory"}}, testDrivers())
	c := dial(t, addr)
	// what the vectors' Sets stored: k1 = s:5:"hello"; a = s:1:"x"; b = s:1:"y";
	for _, body := range []string{
		"0a 02 73 74 12 12 0a 02 6b 31 12 0c 73 3a 35 3a 22 68 65 6c 6c 6f 22 3b",
		"0a 02 73 74 12 0d 0a 01 61 12 08 73 3a 31 3a 22 78 22 3b 12 0d 0a 01 62 12 08 73 3a 31 3a 22 79 22 3b",
	} {
		if flags, reply := c.raw("kv.Set", unhex(t, body)); flags != wire.CodecProto || len(reply) != 0 {
			t.Fatalf("kv.Set: flags %#x reply %x", flags, reply)
		}
	}
	for _, v := range []struct{ method, req, flags, reply string }{
		{"kv.MGet", "0a 02 73 74 12 04 0a 02 6b 31", "80", "0a 12 0a 02 6b 31 12 0c 73 3a 35 3a 22 68 65 6c 6c 6f 22 3b"},
		{"kv.MGet", "0a 02 73 74 12 04 0a 02 6b 39", "80", ""},
		{"kv.MGet", "0a 02 73 74 12 03 0a 01 61 12 03 0a 01 62 12 04 0a 02 7a 7a", "80",
			"0a 0d 0a 01 61 12 08 73 3a 31 3a 22 78 22 3b 0a 0d 0a 01 62 12 08 73 3a 31 3a 22 79 22 3b"},
		{"kv.Has", "0a 02 73 74 12 04 0a 02 6b 31", "80", "0a 04 0a 02 6b 31"},
		{"kv.TTL", "0a 02 73 74 12 04 0a 02 6b 31", "80", "0a 04 0a 02 6b 31"},
		{"kv.Delete", "0a 02 73 74 12 03 0a 01 61 12 03 0a 01 62", "80", ""},
		{"kv.MGet", "0a 04 6e 6f 70 65 12 03 0a 01 6b", "c0", hex.EncodeToString([]byte("rpc_mget: no such storage: nope"))},
		{"kv.Clear", "0a 02 73 74", "80", ""},
		{"kv.Has", "0a 02 73 74 12 04 0a 02 6b 31", "80", ""},
	} {
		flags, reply := c.raw(v.method, unhex(t, v.req))
		if hex.EncodeToString([]byte{flags}) != v.flags || !bytes.Equal(reply, unhex(t, v.reply)) {
			t.Errorf("%s %s: got flags %#x reply %x (%q), want %s %s", v.method, v.req, flags, reply, reply, v.flags, v.reply)
		}
	}
}

// TestTTLAndErrors covers TTL replies as the official client parses them
// and every error text PHP maps.
func TestTTLAndErrors(t *testing.T) {
	addr, _ := startRPC(t, kv.Config{"st": {Driver: "memory", MaxValueSize: 10}}, testDrivers())
	c := dial(t, addr)
	exp := time.Now().Add(5 * time.Minute).UTC().Truncate(time.Second)
	ts := exp.Format("2006-01-02T15:04:05-07:00") // PHP's DATE_RFC3339
	if _, e := c.call("kv.Set", &kvv1.Request{Storage: "st", Items: []*kvv1.Item{{Key: "k2", Value: []byte("i:42;"), Timeout: ts}}}); e != "" {
		t.Fatal(e)
	}
	out, e := c.call("kv.TTL", &kvv1.Request{Storage: "st", Items: []*kvv1.Item{{Key: "k2"}, {Key: "none"}}})
	if e != "" || len(out.Items) != 1 || out.Items[0].Timeout != ts {
		t.Fatalf("TTL = %v %q, want timeout %s", out, e, ts)
	}
	sub := time.Now().Add(time.Hour).UTC().Truncate(time.Millisecond).Add(250 * time.Millisecond)
	if _, e := c.call("kv.MExpire", &kvv1.Request{Storage: "st", Items: []*kvv1.Item{{Key: "k2", Timeout: sub.Format(time.RFC3339Nano)}}}); e != "" {
		t.Fatal(e)
	}
	out, _ = c.call("kv.TTL", &kvv1.Request{Storage: "st", Items: []*kvv1.Item{{Key: "k2"}}})
	if got, err := time.Parse(time.RFC3339Nano, out.Items[0].Timeout); err != nil || !got.Equal(sub) {
		t.Fatalf("sub-second TTL = %q, want %v", out.Items[0].Timeout, sub)
	}
	for _, v := range []struct {
		method string
		req    *kvv1.Request
		want   string
	}{
		{"kv.Has", &kvv1.Request{Storage: "x"}, "rpc_has: no such storage: x"},
		{"kv.Set", &kvv1.Request{Storage: "x"}, "rpc_set: no such storage: x"},
		{"kv.TTL", &kvv1.Request{Storage: "x"}, "rpc_ttl: no such storage: x"},
		{"kv.MExpire", &kvv1.Request{Storage: "x"}, "rpc_mexpire: no such storage: x"},
		{"kv.Delete", &kvv1.Request{Storage: "x"}, "rpc_delete: no such storage: x"},
		{"kv.Clear", &kvv1.Request{Storage: "x"}, "rpc_clear: no such storage: x"},
		{"kv.MGet", &kvv1.Request{}, "rpc_mget: no storage provided"},
		{"kv.Set", &kvv1.Request{Storage: "st", Items: []*kvv1.Item{{Key: "ok", Value: []byte("1")}, {Key: "big", Value: make([]byte, 11)}}},
			`rpc_set: key "big": value of 11 bytes is over the limit of 10 bytes (kv.st.max_value_size)`},
		{"kv.Set", &kvv1.Request{Storage: "st", Items: []*kvv1.Item{{Key: "t", Value: []byte("1"), Timeout: "tomorrow"}}},
			`rpc_set: key "t": timeout "tomorrow" is not an RFC 3339 time`},
	} {
		_, e := c.call(v.method, v.req)
		if !strings.HasPrefix(e, v.want) {
			t.Errorf("%s: error %q, want %q", v.method, e, v.want)
		}
	}
	// a refused batch stores nothing
	if out, _ := c.call("kv.Has", &kvv1.Request{Storage: "st", Items: []*kvv1.Item{{Key: "ok"}}}); len(out.Items) != 0 {
		t.Fatal("a refused Set stored part of its batch")
	}
}

func TestConfigValidate(t *testing.T) {
	err := kv.Config{
		"a": {},
		"b": {Driver: "couchbase"},
		"c": {Driver: "memory", Config: map[string]any{"bogus": 1}},
		"e": {Driver: "memory", Config: map[string]any{"interval": "x"}},
		"d": {Driver: "memory", MaxValueSize: -1},
	}.Validate(testDrivers())
	for _, want := range []string{
		"kv.a.driver: missing; could not find mandatory driver field in the a storage",
		`kv.b.driver: unknown driver "couchbase" (phprun has memory)`,
		"kv.e.config.interval: ",
		"kv.c.config.bogus: unknown key",
		"kv.d.max_value_size: ",
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate: %v\nwant %q", err, want)
		}
	}
}
