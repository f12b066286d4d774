package engine

import (
	"testing"

	"github.com/phprun/phprun/internal/cputime"
)

// BenchmarkExecQueued is the pool under an HTTP benchmark's load: more
// callers than workers (16 goroutines, 2 PHP echo workers, 100 B), so
// nearly every job waits in acquireSlow. Besides ns/op (wall time, bound by
// PHP) it reports cpu-ns/op: the Go process's own user+system CPU per job
// (the PHP workers are other processes), the figure the HTTP target is
// about.
func BenchmarkExecQueued(b *testing.B) {
	const workers, callers = 2, 16
	p := newPool(b, phpConfig(b, workers), nil)
	pl := Payload{Context: []byte(`{"status":200}`), Body: make([]byte, 100)}
	b.ReportAllocs()
	before := cputime.Self()
	b.ResetTimer()
	runExecs(b, p, pl, callers)
	b.StopTimer()
	if cpu := cputime.Self() - before; cpu > 0 { // 0: not measured on this system
		b.ReportMetric(float64(cpu)/float64(b.N), "cpu-ns/op")
	}
}
