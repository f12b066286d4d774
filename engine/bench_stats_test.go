package engine

import (
	"os"
	"testing"
	"time"
)

// benchPool is a pool of n workers as Stats sees them, without processes:
// each worker carries this test process's PID, so that a reader of /proc
// would find real files, and has been sampled once by a supervisor.
func benchPool(n int) *Pool {
	p := &Pool{cfg: Config{Name: "http"}}
	ws := make([]*worker, n)
	table := map[*process]*worker{}
	for i := range ws {
		ws[i] = &worker{p: p, pid: os.Getpid(), created: time.Now()}
		ws[i].state.Store(int64(StateReady))
		table[&process{}] = ws[i]
	}
	p.workers.Store(&ws)
	(&supervisor{table: table, proc: newProcReader().read}).sampleAll(time.Now())
	return p
}

// BenchmarkStats64: one Stats call over 64 workers, as the dashboard,
// the RPC informer and a metrics scrape make it.
func BenchmarkStats64(b *testing.B) {
	p := benchPool(64)
	b.ReportAllocs()
	for b.Loop() {
		_ = p.Stats()
	}
}

// BenchmarkCounts64: what a /health or /ready probe costs the pool.
func BenchmarkCounts64(b *testing.B) {
	p := benchPool(64)
	b.ReportAllocs()
	for b.Loop() {
		_ = p.Counts()
	}
}
