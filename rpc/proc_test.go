package rpc

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/phprun/phprun/engine"
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
// a process alive for 1200 s (uptime 2200 s, started at 1000 s) is 0.25%.
func TestProcSampleFixture(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "4242"), 0o755); err != nil {
		t.Fatal(err)
	}
	stat := "4242 (php) S 1 4242 4242 0 -1 4194560 2911 0 0 0 250 50 0 0 20 0 1 0 100000 268435456 6690 0 0 0 0\n"
	must(t, os.WriteFile(filepath.Join(dir, "4242", "stat"), []byte(stat), 0o644))
	must(t, os.WriteFile(filepath.Join(dir, "uptime"), []byte("2200.00 4000.00\n"), 0o644))
	s, err := procSampler{dir: dir, pageSize: 4096}.sample(4242)
	if err != nil {
		t.Fatal(err)
	}
	if s.rss != 6690*4096 || s.cpuPercent < 0.2499 || s.cpuPercent > 0.2501 {
		t.Fatalf("sample %+v", s)
	}
	if _, err := (procSampler{dir: dir, pageSize: 4096}).sample(4243); err == nil {
		t.Fatal("sample of a missing pid succeeded")
	}
}

// TestProcSampleSelf reads the test process itself after burning some CPU.
func TestProcSampleSelf(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("needs /proc")
	}
	deadline := time.Now().Add(100 * time.Millisecond)
	for x := 0; time.Now().Before(deadline); x++ {
		_ = x * x
	}
	s, err := newProcSampler().sample(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if s.rss < 1<<20 || s.cpuPercent <= 0 || s.cpuPercent > 100*float64(runtime.NumCPU())+1 {
		t.Fatalf("implausible sample of self: %+v", s)
	}
}

// TestProcessStatesUseProc: for a live PID the server reports /proc's RSS
// and, when the engine has none, /proc's CPU%.
func TestProcessStatesUseProc(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("needs /proc")
	}
	st := engine.Stats{Workers: []engine.WorkerInfo{
		{PID: os.Getpid(), State: engine.StateWorking, RSS: 1, Created: created},
		{PID: 999999901, State: engine.StateReady, RSS: 7, CPUPercent: 1.5},
	}}
	got := processStates(st, newProcSampler())
	if got[0].MemoryUsage < 1<<20 || got[0].CPUPercent <= 0 || got[0].StatusStr != "working" || got[0].Created != created.UnixNano() {
		t.Fatalf("live worker: %+v", got[0])
	}
	if got[1].MemoryUsage != 7 || got[1].CPUPercent != 1.5 || got[1].Created != 0 {
		t.Fatalf("gone worker: %+v", got[1])
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
