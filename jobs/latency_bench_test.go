package jobs_test

import (
	"fmt"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/phprun/phprun/internal/cputime"
	"github.com/phprun/phprun/jobs"
	"github.com/phprun/phprun/jobs/memory"
)

// BenchmarkMixedLatency: what batches cost a mix of short jobs and slow
// ones. Two PHP workers; jobs arrive at a steady rate (rate per second,
// in bursts every millisecond) for a second; every 500th sleeps 20 ms
// in PHP. Reported: the short jobs' latency from push to finish (p50,
// p99, max) and the Go CPU per job, with jobs.batch 1 (one job per
// exchange, as RoadRunner) and 16 (the default). Run with -benchtime 1x.
func BenchmarkMixedLatency(b *testing.B) {
	needPHPB(b)
	for _, batch := range []int{1, 16} {
		for _, rate := range []int{10000, 25000} {
			b.Run(fmt.Sprintf("batch=%d/rate=%d", batch, rate), func(b *testing.B) {
				for range b.N {
					mixedRun(b, batch, rate)
				}
			})
		}
	}
}

func mixedRun(b *testing.B, batch, rate int) {
	pool := benchPool(b)
	n := rate // one second of arrivals
	pushed := make([]atomic.Int64, n)
	lat := make([]atomic.Int64, n)
	var done atomic.Int64
	cfg := memCfg([]string{"q"}, "q")
	cfg.Batch = batch
	p, err := jobs.New(cfg, jobs.Deps{Drivers: map[string]jobs.Constructor{"memory": memory.Open},
		Pool: pool, Pollers: 4, OnFinish: func(f jobs.Finished) {
			var i int
			if _, err := fmt.Sscanf(f.ID, "m%d", &i); err == nil && i < n {
				lat[i].Store(f.Time.UnixNano() - pushed[i].Load())
			}
			done.Add(1)
		}})
	if err != nil {
		b.Fatal(err)
	}
	if err := p.Start(b.Context()); err != nil {
		b.Fatal(err)
	}
	defer func() { _ = p.Stop(b.Context()); _ = pool.Close(b.Context()) }()
	perTick := rate / 1000
	cpu0 := cputime.Self()
	start := time.Now()
	for i := 0; i < n; {
		// Bursts on a millisecond grid: a late tick catches up.
		due := start.Add(time.Duration(i/perTick) * time.Millisecond)
		time.Sleep(time.Until(due))
		for k := 0; k < perTick && i < n; k, i = k+1, i+1 {
			name, payload := "Bench", "x"
			if i%500 == 499 {
				name, payload = "sleep", "20"
			}
			pushed[i].Store(time.Now().UnixNano())
			if err := p.Push(b.Context(), &jobs.Job{ID: fmt.Sprintf("m%d", i), Name: name, Pipeline: "q", Payload: []byte(payload)}); err != nil {
				b.Fatal(err)
			}
		}
	}
	for deadline := time.Now().Add(time.Minute); done.Load() < int64(n) && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond)
	}
	cpu := cputime.Self() - cpu0
	var short []time.Duration
	for i := range n {
		if i%500 != 499 {
			short = append(short, time.Duration(lat[i].Load()))
		}
	}
	slices.Sort(short)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1e3 }
	b.ReportMetric(ms(short[len(short)/2]), "p50-ms")
	b.ReportMetric(ms(short[len(short)*99/100]), "p99-ms")
	b.ReportMetric(ms(short[len(short)-1]), "max-ms")
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(n)/1e3, "cpu-µs/job")
	b.ReportMetric(float64(p.Batched())/float64(n)*100, "batched-%")
}
