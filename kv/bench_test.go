package kv_test

import (
	"bytes"
	"os"
	"os/exec"
	"strconv"
	"testing"

	"github.com/phprun/phprun/internal/cputime"
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
		start := cputime.Self()
		for b.Loop() {
			if flags, _ := c.raw("kv.Set", set); flags != 0x80 {
				b.Fatal("error reply")
			}
		}
		b.ReportMetric(float64(cputime.Self()-start)/float64(b.N), "cpu-ns/op")
	})
	b.Run("MGet", func(b *testing.B) {
		b.ReportAllocs()
		start := cputime.Self()
		for b.Loop() {
			if _, body := c.raw("kv.MGet", get); len(body) < 100 {
				b.Fatal("short reply")
			}
		}
		b.ReportMetric(float64(cputime.Self()-start)/float64(b.N), "cpu-ns/op")
	})
}

// BenchmarkRPCServerCPU is phprun's own CPU per kv call through the whole
// RPC path (socket reads and writes, frame decoding, net/rpc dispatch,
// protobuf, the memory driver, the reply), the figure the issue bounds at
// 10 µs: the client runs in another process (this test binary re-executed
// as TestRPCClientHelper), so the process CPU measured here is the
// server's alone. Each op is one call, Set and MGet alternating, 100-byte
// value. Run it with a fixed count (-benchtime 20000x): the client makes
// b.N calls. server-user-ns/op is phprun's own code (and the Go runtime);
// server-sys-ns/op is the kernel's work in its system calls (loopback
// reads and writes, epoll, waking threads).
func BenchmarkRPCServerCPU(b *testing.B) {
	addr, _ := startRPC(b, kv.Config{"st": {Driver: "memory"}}, testDrivers())
	cmd := exec.Command(os.Args[0], "-test.run=^TestRPCClientHelper$")
	cmd.Env = append(os.Environ(), "KV_BENCH_ADDR="+addr, "KV_BENCH_CALLS="+strconv.Itoa(b.N))
	b.ResetTimer()
	user0, sys0 := cputime.Split()
	out, err := cmd.CombinedOutput()
	user1, sys1 := cputime.Split()
	b.StopTimer()
	if err != nil {
		b.Fatalf("client: %v\n%s", err, out)
	}
	n := float64(b.N)
	b.ReportMetric(float64(user1-user0+sys1-sys0)/n, "server-cpu-ns/op")
	b.ReportMetric(float64(user1-user0)/n, "server-user-ns/op")
	b.ReportMetric(float64(sys1-sys0)/n, "server-sys-ns/op")
}

// TestRPCClientHelper is BenchmarkRPCServerCPU's client; it does nothing
// in a normal test run.
func TestRPCClientHelper(t *testing.T) {
	addr := os.Getenv("KV_BENCH_ADDR")
	if addr == "" {
		t.Skip("the client half of BenchmarkRPCServerCPU")
	}
	n, err := strconv.Atoi(os.Getenv("KV_BENCH_CALLS"))
	if err != nil {
		t.Fatal(err)
	}
	c := dial(t, addr)
	value := bytes.Repeat([]byte("x"), 100)
	set, _ := proto.Marshal(&kvv1.Request{Storage: "st", Items: []*kvv1.Item{{Key: "key", Value: value}}})
	get, _ := proto.Marshal(&kvv1.Request{Storage: "st", Items: []*kvv1.Item{{Key: "key"}}})
	for i := range n {
		method, body := "kv.Set", set
		if i%2 == 1 {
			method, body = "kv.MGet", get
		}
		if flags, _ := c.raw(method, body); flags != 0x80 {
			t.Fatalf("%s: error reply", method)
		}
	}
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
