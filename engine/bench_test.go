package engine

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/phprun/phprun/engine/wire"
)

var benchSizes = []struct {
	name string
	n    int
}{{"100B", 100}, {"64KiB", 64 << 10}}

// BenchmarkExec measures the pool with real PHP echo workers: one job =
// Exec + Release of a frame with a small context and the given body, from
// as many goroutines as there are workers.
func BenchmarkExec(b *testing.B) {
	for _, workers := range []int{1, 2, 4} {
		for _, size := range benchSizes {
			b.Run(fmt.Sprintf("workers=%d/payload=%s", workers, size.name), func(b *testing.B) {
				p := newPool(b, phpConfig(b, workers), nil)
				pl := Payload{Context: []byte(`{"status":200}`), Body: make([]byte, size.n)}
				b.SetBytes(int64(size.n))
				b.ReportAllocs()
				b.ResetTimer()
				runExecs(b, p, pl, workers)
			})
		}
	}
}

// runExecs runs b.N echo jobs spread over callers goroutines and checks
// that each reply echoes the body.
func runExecs(b *testing.B, p *Pool, pl Payload, callers int) {
	var wg sync.WaitGroup
	for g := 0; g < callers; g++ {
		n := b.N / callers
		if g == 0 {
			n += b.N % callers
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < n; i++ {
				r, err := p.Exec(context.Background(), pl)
				if err != nil {
					b.Error(err)
					return
				}
				if len(r.Body) != len(pl.Body) {
					b.Errorf("echo: %d bytes, want %d", len(r.Body), len(pl.Body))
				}
				r.Release()
			}
		}()
	}
	wg.Wait()
}

// BenchmarkRawLoop is the baseline for BenchmarkExec/workers=1: one Go loop
// writing a frame to one PHP echo process and reading the reply, no pool.
func BenchmarkRawLoop(b *testing.B) {
	script, _ := filepath.Abs("testdata/echo.php")
	for _, size := range benchSizes {
		b.Run("payload="+size.name, func(b *testing.B) {
			cmd := exec.Command(phpBin(b), "-n", script)
			cmd.Env = append(os.Environ(), "RR_RELAY=pipes")
			stdin, _ := cmd.StdinPipe()
			stdout, _ := cmd.StdoutPipe()
			if err := cmd.Start(); err != nil {
				b.Fatal(err)
			}
			defer func() { stdin.Close(); cmd.Wait() }()
			rd := wire.NewReader(stdout, wire.DefaultBufferSize, 1<<30)
			var f wire.Frame
			ctx, body := []byte(`{"status":200}`), make([]byte, size.n)
			opts := []uint32{uint32(len(ctx))}
			var buf []byte
			b.SetBytes(int64(size.n))
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				buf, _ = wire.AppendFrame(buf[:0], 0, 0, opts, ctx, body)
				if _, err := stdin.Write(buf); err != nil {
					b.Fatal(err)
				}
				if err := rd.ReadFrame(&f); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkSpawn measures spawn-to-ready of one PHP echo worker (process
// start plus PID handshake).
func BenchmarkSpawn(b *testing.B) {
	p := newPool(b, phpConfig(b, 1), nil)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		w, err := p.spawnWorker(p.gen.Load())
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		w.stopGracefully(StateStopping, time.Second)
		b.StartTimer()
	}
}

// TestExecAllocs pins the hot path's allocations for small payloads: the
// Response (1), whatever the ctx (it bounds only the wait, which the fast
// path does not arm).
func TestExecAllocs(t *testing.T) {
	if testing.Short() {
		t.Skip("allocation count")
	}
	p := newPool(t, helperConfig(t, "", 1), nil)
	pl := Payload{Context: []byte(`{"status":200}`), Body: make([]byte, 100)}
	run := func(ctx context.Context) func() {
		return func() {
			r, err := p.Exec(ctx, pl)
			if err != nil {
				t.Fatal(err)
			}
			r.Release()
		}
	}
	if n := testing.AllocsPerRun(200, run(context.Background())); n > 2 {
		t.Errorf("Exec+Release with context.Background: %.1f allocs, want ≤ 2", n)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if n := testing.AllocsPerRun(200, run(ctx)); n > 2 {
		t.Errorf("Exec+Release with a cancellable ctx: %.1f allocs, want ≤ 2", n)
	}
	// Reading bodies in parts (what httpfront asks for) costs nothing
	// more on a small response, and Body still aliases the read buffer.
	pl.StreamBody = true
	if n := testing.AllocsPerRun(200, run(context.Background())); n > 2 {
		t.Errorf("Exec+Release with StreamBody: %.1f allocs, want ≤ 2", n)
	}
	r, err := p.Exec(context.Background(), pl)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Body) != 100 || r.BodyRest() != 0 {
		t.Errorf("small body with StreamBody: %d bytes, rest %d", len(r.Body), r.BodyRest())
	}
	r.Release()
}

// TestIdleFootprint reports the Go process's RSS with 4 idle PHP workers
// (the test binary's own, so an upper bound for the engine's share).
func TestIdleFootprint(t *testing.T) {
	p := newPool(t, phpConfig(t, 4), nil)
	for i := 0; i < 100; i++ {
		if _, _, err := execString(t, p, "c", "warm"); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(50 * time.Millisecond)
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skip(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			kb, _ := strconv.Atoi(strings.Fields(line)[1])
			t.Logf("Go process RSS with 4 idle workers: %.1f MB", float64(kb)/1024)
		}
	}
}
