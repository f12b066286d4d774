package jobs_test

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/phprun/phprun/engine"
	"github.com/phprun/phprun/internal/cputime"
	"github.com/phprun/phprun/jobs"
	"github.com/phprun/phprun/jobs/jobsv1"
	"github.com/phprun/phprun/jobs/memory"
)

// BenchmarkPushConsume: b.N jobs pushed to a memory pipeline and acked by
// 2 real PHP workers (testdata/consumer.php); ns/op is the Go side's wall
// time per job, cpu-µs/op its process CPU time (what a -cpuprofile
// breaks down).
func BenchmarkPushConsume(b *testing.B) {
	needPHPB(b)
	pool := benchPool(b)
	var done atomic.Int64
	p, err := jobs.New(memCfg([]string{"bench"}, "bench"), jobs.Deps{Drivers: map[string]jobs.Constructor{"memory": memory.Open},
		Pool: pool, Pollers: 4, OnFinish: func(jobs.Finished) { done.Add(1) }})
	if err != nil {
		b.Fatal(err)
	}
	if err := p.Start(b.Context()); err != nil {
		b.Fatal(err)
	}
	defer func() { _ = p.Stop(b.Context()); _ = pool.Close(b.Context()) }()
	payload := []byte(`{"n":1}`)
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cputime.Self()
	for i := range b.N {
		if err := p.Push(b.Context(), &jobs.Job{ID: fmt.Sprint(i), Name: "Bench", Pipeline: "bench", Payload: payload}); err != nil {
			b.Fatal(err)
		}
	}
	for deadline := time.Now().Add(time.Minute); done.Load() < int64(b.N) && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond)
	}
	// Process CPU time (user+system, this process only: the PHP workers
	// are other processes) per job holds up better than ns/op on a shared
	// host, where wall time mostly measures waiting for a core.
	if cpu := cputime.Self() - cpu0; cpu > 0 {
		b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N)/1e3, "cpu-µs/op")
	}
}

// benchPool starts a jobs pool of 2 PHP workers running
// testdata/consumer.php with opcache, the benchmarks' consumers.
func benchPool(b *testing.B) *engine.Pool {
	b.Helper()
	ec := engine.DefaultConfig()
	ec.Name, ec.Mode = "jobs", "jobs"
	ec.Server.Command = []string{"php", "-d", "opcache.enable_cli=1", "testdata/consumer.php"}
	ec.Server.Env = map[string]string{"JOBS_LOG": "/dev/null"}
	ec.Pool.NumWorkers = 2
	pool, err := engine.New(b.Context(), ec, nil)
	if err != nil {
		b.Fatal(err)
	}
	return pool
}

func needPHPB(b *testing.B) {
	b.Helper()
	if testing.Short() {
		b.Skip("short")
	}
}

// BenchmarkPushBatch: one jobs.PushBatch of 1,000 decoded protobuf jobs
// into a paused memory pipeline (the service's own work per batch, no
// RPC framing and no consumer); allocs/op divided by 1,000 is per job.
func BenchmarkPushBatch(b *testing.B) {
	p, err := jobs.New(memCfg(nil, "bench"), jobs.Deps{Drivers: map[string]jobs.Constructor{"memory": memory.Open}, Pool: noPool{}})
	if err != nil {
		b.Fatal(err)
	}
	if err := p.Start(b.Context()); err != nil {
		b.Fatal(err)
	}
	defer func() { _ = p.Stop(b.Context()) }()
	req := &jobsv1.PushBatchRequest{}
	for i := range 1000 {
		req.Jobs = append(req.Jobs, &jobsv1.Job{Job: "Bench", Id: fmt.Sprintf("%036d", i), Payload: []byte(`{"n":1}`),
			Options: &jobsv1.Options{Pipeline: "bench"}})
	}
	svc := p.Service()
	b.ReportAllocs()
	for b.Loop() {
		if err := svc.PushBatch(req, &jobsv1.Empty{}); err != nil {
			b.Fatal(err)
		}
	}
}

// noPool is a jobs.Pool for benchmarks whose pipelines never consume.
type noPool struct{}

func (noPool) Exec(context.Context, engine.Payload) (*engine.Response, error) {
	return nil, errors.New("noPool: nothing runs here")
}
