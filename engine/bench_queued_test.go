//go:build unix

package engine

import (
	"syscall"
	"testing"
	"time"
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
	before := cpuTime(b)
	b.ResetTimer()
	runExecs(b, p, pl, callers)
	b.StopTimer()
	b.ReportMetric(float64(cpuTime(b)-before)/float64(b.N), "cpu-ns/op")
}

func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Skip(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
