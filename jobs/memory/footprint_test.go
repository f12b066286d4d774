package memory_test

import (
	"context"
	"fmt"
	"runtime"
	"testing"

	"github.com/phprun/phprun/jobs"
	"github.com/phprun/phprun/jobs/jobstest"
	"github.com/phprun/phprun/jobs/memory"
)

// BenchmarkMillionQueued reports the Go heap that 1,000,000 queued small
// jobs (UUID-sized id, a 12-byte payload, one of a few names) hold in a
// paused memory pipeline, as MB per million (the target is ≤ 200).
func BenchmarkMillionQueued(b *testing.B) {
	const n = 1_000_000
	names := []string{"SendMail", "Resize", "Export"}
	for b.Loop() {
		d, err := memory.Open(context.Background(), jobs.Options{Pipeline: jobs.Pipeline{Name: "big", Driver: "memory"}, Queue: jobstest.NewCollector()})
		if err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		for i := range n {
			// fresh strings, as decoding each RPC call makes them
			j := &jobs.Job{ID: fmt.Sprintf("%08x-0000-4000-8000-%012x", i, i), Name: string([]byte(names[i%3])),
				Pipeline: string([]byte("big")), Payload: []byte(fmt.Sprintf(`{"n":%06d}`, i))}
			if err := d.Push(context.Background(), j); err != nil {
				b.Fatal(err)
			}
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), "MB/1M-jobs")
		runtime.KeepAlive(d)
		_ = d.Stop(context.Background())
	}
}
