package engine

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"testing"
	"time"
)

// fixtureProc writes a /proc with one process pid (250+50 ticks of CPU,
// 6690 pages of RSS) and returns its reader.
func fixtureProc(t *testing.T, pid int) (readProcFunc, string) {
	dir := t.TempDir()
	p := strconv.Itoa(pid)
	must(t, os.MkdirAll(filepath.Join(dir, p), 0o755))
	stat := p + " (php) S 1 1 1 0 -1 4194560 2911 0 0 0 250 50 0 0 20 0 1 0 100000 268435456 6690 0 0 0 0\n"
	must(t, os.WriteFile(filepath.Join(dir, p, "stat"), []byte(stat), 0o644))
	must(t, os.WriteFile(filepath.Join(dir, "uptime"), []byte("2200.00 4000.00\n"), 0o644))
	return procReader{dir: dir, pageSize: 4096}.read, filepath.Join(dir, p, "stat")
}

// TestStatsReportTheSupervisorsSample: Stats reports what the supervisor
// sampled last (here from a fixture /proc) and reads nothing itself: the
// worker's PID is this test process's, whose real figures would show if
// Stats read /proc. A failed sample keeps the last figures.
func TestStatsReportTheSupervisorsSample(t *testing.T) {
	pid := os.Getpid()
	read, statFile := fixtureProc(t, pid)
	w := &worker{pid: pid, created: time.Now()}
	s := &supervisor{table: map[*process]*worker{{}: w}, proc: read}
	if wi := w.info(); wi.RSS != 0 || wi.CPUPercent != 0 || !wi.SampledAt.IsZero() {
		t.Fatalf("before any sample: RSS %d, CPU %v, sampled %v; want zeros", wi.RSS, wi.CPUPercent, wi.SampledAt)
	}
	now := time.Now()
	s.sampleAll(now)
	wi := w.info()
	if wi.RSS != 6690*4096 || wi.CPUPercent < 0.2499 || wi.CPUPercent > 0.2501 {
		t.Fatalf("after a sample: RSS %d, CPU %v; want %d, 0.25", wi.RSS, wi.CPUPercent, 6690*4096)
	}
	if wi.SampledAt.Before(now) || !wi.SampledIdle || wi.SampledExecs != 0 {
		t.Fatalf("sample stamp %v (taken after %v), idle %v, execs %d; want idle, 0", wi.SampledAt, now, wi.SampledIdle, wi.SampledExecs)
	}
	if !s.lastSample.Equal(now) {
		t.Fatalf("lastSample %v, want %v", s.lastSample, now)
	}
	must(t, os.Remove(statFile)) // the process is gone
	s.sampleAll(now.Add(time.Second))
	if got := w.info(); got.RSS != 6690*4096 || !got.SampledAt.Equal(wi.SampledAt) {
		t.Fatalf("after a failed sample: RSS %d at %v, want the last sample kept", got.RSS, got.SampledAt)
	}
}

// TestSampleCarriesTheExecCountOfItsMoment: jobs after a sample move the
// live count, not the sample's; a sample taken during a job is not idle.
func TestSampleCarriesTheExecCountOfItsMoment(t *testing.T) {
	pid := os.Getpid()
	read, _ := fixtureProc(t, pid)
	w := &worker{pid: pid, created: time.Now()}
	s := &supervisor{table: map[*process]*worker{{}: w}, proc: read}
	w.execs.Store(7)
	s.sampleAll(time.Now())
	w.execs.Add(3) // three jobs after the sample
	wi := w.info()
	if wi.NumExecs != 10 || wi.SampledExecs != 7 || !wi.SampledIdle {
		t.Fatalf("live %d, sampled %d, idle %v; want 10, 7, true", wi.NumExecs, wi.SampledExecs, wi.SampledIdle)
	}
	w.jobStart.Store(time.Now().UnixNano()) // a job runs
	s.sampleAll(time.Now())
	if wi := w.info(); wi.SampledExecs != 10 || wi.SampledIdle {
		t.Fatalf("sampled during a job: execs %d, idle %v; want 10, false", wi.SampledExecs, wi.SampledIdle)
	}
}

// TestObserversReadNoProcessFiles: with real workers, every read of
// process figures is the supervisor's. A thousand Stats and Counts calls
// add no reads beyond the supervisor's own samples (one per worker per
// tick at most), and each worker has a sample from right after its spawn.
func TestObserversReadNoProcessFiles(t *testing.T) {
	var reads atomic.Int64
	real := newProcReader().read
	count := func(pid int, now time.Time) (ProcSample, error) {
		reads.Add(1)
		return real(pid, now)
	}
	cfg := helperConfig(t, "", 2)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	p, err := newWithReader(ctx, cfg, nil, count)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { closePool(t, p) })
	waitFor(t, 5*time.Second, "two ready workers", func() bool { return p.Counts().Count(StateReady) == 2 })
	for _, w := range p.Stats().Workers {
		if w.SampledAt.IsZero() || w.RSS == 0 {
			t.Fatalf("worker %d has no sample after its spawn: %+v", w.PID, w)
		}
	}
	before, start := reads.Load(), time.Now()
	for range 1000 {
		_ = p.Stats()
		_ = p.Counts()
	}
	ticks := int64(time.Since(start)/(10*time.Millisecond)) + 2 // generous: the supervisor ticks every 100ms
	if got := reads.Load() - before; got > 2*ticks {
		t.Fatalf("%d reads of process figures during 1000 Stats+Counts calls (supervisor allows %d)", got, 2*ticks)
	}
}

// TestCountsAllocatesNothing: a health probe costs no allocation.
func TestCountsAllocatesNothing(t *testing.T) {
	p := newPool(t, helperConfig(t, "", 2), nil)
	var c Counts
	if n := testing.AllocsPerRun(100, func() { c = p.Counts() }); n != 0 {
		t.Fatalf("Counts allocates %v times per call", n)
	}
	if c.Count(StateReady) != 2 || c.Count(State(-1)) != 0 || c.Count(State(99)) != 0 {
		t.Fatalf("counts %+v", c)
	}
}
