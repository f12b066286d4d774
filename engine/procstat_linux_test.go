package engine

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

func TestParseStat(t *testing.T) {
	// A command name with spaces and parentheses, as `php (worker) x` would give.
	line := "4242 (php (worker) x) S 1 4242 4242 0 -1 4194560 2911 0 0 0 " +
		"250 50 0 0 20 0 1 0 100000 268435456 6690 18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 17 1 0 0 0 0 0\n"
	f, err := parseStat([]byte(line))
	if err != nil {
		t.Fatal(err)
	}
	if f != (statFields{utime: 250, stime: 50, start: 100000, rssPages: 6690}) {
		t.Fatalf("parsed %+v", f)
	}
	for _, bad := range []string{"", "4242 no parens", "1 (x) S 1 2 3"} {
		if _, err := parseStat([]byte(bad)); err == nil {
			t.Errorf("parseStat(%q) succeeded", bad)
		}
	}
}

// TestProcSampleFixture computes CPU% from a fixture: 300 ticks of CPU over
// a process alive for 1200 s (uptime 2200 s, started at 1000 s) is 0.25%,
// and the process started 1200 s before now.
func TestProcReadFixture(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "4242"), 0o755); err != nil {
		t.Fatal(err)
	}
	stat := "4242 (php) S 1 4242 4242 0 -1 4194560 2911 0 0 0 250 50 0 0 20 0 1 0 100000 268435456 6690 0 0 0 0\n"
	must(t, os.WriteFile(filepath.Join(dir, "4242", "stat"), []byte(stat), 0o644))
	must(t, os.WriteFile(filepath.Join(dir, "uptime"), []byte("2200.00 4000.00\n"), 0o644))
	now := time.Unix(1_800_000_000, 0)
	s, err := procReader{dir: dir, pageSize: 4096}.read(4242, now)
	if err != nil {
		t.Fatal(err)
	}
	if s.RSS != 6690*4096 || s.CPUPercent < 0.2499 || s.CPUPercent > 0.2501 || !s.Start.Equal(now.Add(-1200*time.Second)) {
		t.Fatalf("sample %+v", s)
	}
	if _, err := (procReader{dir: dir, pageSize: 4096}).read(4243, now); err == nil {
		t.Fatal("sample of a missing pid succeeded")
	}
}

// TestProcSampleSelf reads the test process itself after burning some CPU.
func TestReadProcSelf(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("needs /proc")
	}
	deadline := time.Now().Add(100 * time.Millisecond)
	for x := 0; time.Now().Before(deadline); x++ {
		_ = x * x
	}
	s, err := ReadProc(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if s.RSS < 1<<20 || s.CPUPercent <= 0 || s.CPUPercent > 100*float64(runtime.NumCPU())+1 || time.Since(s.Start) < 0 || time.Since(s.Start) > time.Hour {
		t.Fatalf("implausible sample of self: %+v", s)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
