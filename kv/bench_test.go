package kv_test

import (
	"bytes"
	"syscall"
	"testing"

	"github.com/phprun/phprun/kv"
	"github.com/phprun/phprun/kv/kvv1"
	"google.golang.org/protobuf/proto"
)

// BenchmarkRPC is the kv.* path as PHP drives it: one connection, one call
// in flight, a 100-byte value, memory driver. It includes the client's
// frame writing and reading and two loopback system calls per call, so the
// server's own CPU per call is below the figure.
func BenchmarkRPC(b *testing.B) {
	addr, _ := startRPC(b, kv.Config{"st": {Driver: "memory"}}, testDrivers())
	c := dial(b, addr)
	value := bytes.Repeat([]byte("x"), 100)
	set, _ := proto.Marshal(&kvv1.Request{Storage: "st", Items: []*kvv1.Item{{Key: "key", Value: value}}})
	get, _ := proto.Marshal(&kvv1.Request{Storage: "st", Items: []*kvv1.Item{{Key: "key"}}})
	b.Run("Set", func(b *testing.B) {
		b.ReportAllocs()
		start := cpuTime()
		for b.Loop() {
			if flags, _ := c.raw("kv.Set", set); flags != 0x80 {
				b.Fatal("error reply")
			}
		}
		b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op")
	})
	b.Run("MGet", func(b *testing.B) {
		b.ReportAllocs()
		start := cpuTime()
		for b.Loop() {
			if _, body := c.raw("kv.MGet", get); len(body) < 100 {
				b.Fatal("short reply")
			}
		}
		b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op")
	})
}

// cpuTime is the process's user+system CPU time in ns: on a shared
// machine it tells the cost of a call where wall time cannot. It counts
// the client half of the exchange too.
func cpuTime() int64 {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// BenchmarkServiceDecodeCallEncode is phprun's own work per kv call without
// the network and net/rpc dispatch: decode the request, run the method on
// the memory driver, encode the reply.
func BenchmarkServiceDecodeCallEncode(b *testing.B) {
	p, err := kv.Open(b.Context(), kv.Config{"st": {Driver: "memory"}}, testDrivers())
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	svc := p.Service()
	value := bytes.Repeat([]byte("x"), 100)
	set, _ := proto.Marshal(&kvv1.Request{Storage: "st", Items: []*kvv1.Item{{Key: "key", Value: value}}})
	get, _ := proto.Marshal(&kvv1.Request{Storage: "st", Items: []*kvv1.Item{{Key: "key"}}})
	b.ReportAllocs()
	for b.Loop() {
		var in kvv1.Request
		var out kvv1.Response
		if err := proto.Unmarshal(set, &in); err != nil {
			b.Fatal(err)
		}
		if err := svc.Set(&in, &out); err != nil {
			b.Fatal(err)
		}
		in.Reset()
		if err := proto.Unmarshal(get, &in); err != nil {
			b.Fatal(err)
		}
		if err := svc.MGet(&in, &out); err != nil {
			b.Fatal(err)
		}
		if _, err := proto.Marshal(&out); err != nil {
			b.Fatal(err)
		}
	}
}
