package engine

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestStatsReportTheSupervisorsSample: when /proc cannot be read for a
// worker (here a PID that does not exist on the machine), Stats reports
// the figures the supervisor sampled last (here from a fixture /proc),
// and a failed sample keeps them.
func TestStatsReportTheSupervisorsSample(t *testing.T) {
	dir := t.TempDir()
	const pid = 999999907
	must(t, os.MkdirAll(filepath.Join(dir, "999999907"), 0o755))
	stat := "999999907 (php) S 1 1 1 0 -1 4194560 2911 0 0 0 250 50 0 0 20 0 1 0 100000 268435456 6690 0 0 0 0\n"
	must(t, os.WriteFile(filepath.Join(dir, "999999907", "stat"), []byte(stat), 0o644))
	must(t, os.WriteFile(filepath.Join(dir, "uptime"), []byte("2200.00 4000.00\n"), 0o644))

	w := &worker{pid: pid, created: time.Now()}
	s := &supervisor{table: map[*process]*worker{{}: w}, proc: procReader{dir: dir, pageSize: 4096}}
	if wi := w.info(); wi.RSS != 0 || wi.CPUPercent != 0 {
		t.Fatalf("before any sample: RSS %d, CPU %v; want zeros", wi.RSS, wi.CPUPercent)
	}
	now := time.Now()
	s.sampleAll(now)
	wi := w.info()
	if wi.RSS != 6690*4096 || wi.CPUPercent < 0.2499 || wi.CPUPercent > 0.2501 {
		t.Fatalf("after a sample: RSS %d, CPU %v; want %d, 0.25", wi.RSS, wi.CPUPercent, 6690*4096)
	}
	if !s.lastSample.Equal(now) {
		t.Fatalf("lastSample %v, want %v", s.lastSample, now)
	}
	must(t, os.Remove(filepath.Join(dir, "999999907", "stat"))) // the process is gone
	s.sampleAll(now.Add(time.Second))
	if wi := w.info(); wi.RSS != 6690*4096 {
		t.Fatalf("after a failed sample: RSS %d, want the last figure kept", wi.RSS)
	}
}
