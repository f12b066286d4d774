package rpc

import (
	"context"
	"testing"

	"github.com/phprun/phprun/engine/wire"
)

// BenchmarkInformerWorkersJSON is one PHP-style call (JSON codec, raw
// frames) over loopback TCP: what a PHP app polling its pool pays.
func BenchmarkInformerWorkersJSON(b *testing.B) {
	_, addr := startServer(b, samplePools(), Options{})
	rc := dialRaw(b, addr)
	req, _ := wire.AppendFrame(nil, wire.CodecJSON, 0, []uint32{1, 16}, []byte(`informer.Workers"http"`))
	b.ReportAllocs()
	for b.Loop() {
		rc.send(req)
		if _, err := rc.tryRead(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkClientWorkersGob is one `phprun workers` refresh (gob codec,
// net/rpc client) over loopback TCP.
func BenchmarkClientWorkersGob(b *testing.B) {
	_, addr := startServer(b, samplePools(), Options{})
	c, err := Dial("tcp://" + addr)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Workers(ctx, "http"); err != nil {
			b.Fatal(err)
		}
	}
}
