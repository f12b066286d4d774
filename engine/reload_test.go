package engine

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// load runs jobs from n goroutines until stop is closed and counts
// failures; each job checks its echo.
func load(t testing.TB, p *Pool, n int, stop chan struct{}) (wait func() (ok, failed int64)) {
	var okN, failN atomic.Int64
	var wg sync.WaitGroup
	for g := 0; g < n; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				want := fmt.Sprintf("g%d-%d", g, i)
				_, got, err := execString(t, p, "ctx", want)
				if err == nil && got != want {
					err = fmt.Errorf("got %q, want %q", got, want)
				}
				if err != nil {
					failN.Add(1)
					t.Errorf("job failed during reload: %v", err)
					continue
				}
				okN.Add(1)
			}
		}()
	}
	return func() (int64, int64) { wg.Wait(); return okN.Load(), failN.Load() }
}

func pids(st Stats) map[int]bool {
	m := map[int]bool{}
	for _, w := range st.Workers {
		m[w.PID] = true
	}
	return m
}

func TestReloadUnderLoadPHP(t *testing.T) {
	bus := NewBus()
	events := collect(t, bus)
	p := newPool(t, phpConfig(t, 2), bus)
	stop := make(chan struct{})
	wait := load(t, p, 6, stop)
	seen := map[int]bool{}
	for round := 1; round <= 3; round++ {
		before := pids(p.Stats())
		for pid := range before {
			seen[pid] = true
		}
		time.Sleep(30 * time.Millisecond)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		err := p.Reload(ctx, "test")
		cancel()
		if err != nil {
			t.Fatalf("reload %d: %v", round, err)
		}
		st := p.Stats()
		if st.Generation != uint64(round+1) {
			t.Errorf("generation %d after reload %d", st.Generation, round)
		}
		for pid := range pids(st) {
			if before[pid] || seen[pid] {
				t.Errorf("reload %d: old worker %d still listed", round, pid)
			}
		}
		for pid := range before {
			if alive(pid) {
				t.Errorf("reload %d: old worker %d still running", round, pid)
			}
		}
	}
	time.Sleep(30 * time.Millisecond)
	close(stop)
	ok, failed := wait()
	if failed != 0 || ok == 0 {
		t.Fatalf("%d jobs ok, %d failed; want 0 failures", ok, failed)
	}
	t.Logf("%d jobs across 3 reloads, 0 failed", ok)
	if !hasEvent(events(), EventReloadDone, func(e Event) bool { return e.Count == 2 }) {
		t.Error("no EventReloadDone")
	}
}

func TestReloadWaitsForBusyOldWorkers(t *testing.T) {
	p := newPool(t, helperConfig(t, "", 1), nil)
	res := make(chan error, 1)
	go func() {
		_, got, err := execString(t, p, "sleep:300", "slow")
		if err == nil && got != "slow" {
			err = errors.New(got)
		}
		res <- err
	}()
	time.Sleep(50 * time.Millisecond)
	old := p.Stats().Workers[0].PID
	start := time.Now()
	if err := p.Reload(context.Background(), "test"); err != nil {
		t.Fatal(err)
	}
	if err := <-res; err != nil {
		t.Fatalf("in-flight job failed: %v", err)
	}
	if d := time.Since(start); d < 200*time.Millisecond {
		t.Errorf("Reload returned after %v, before the busy old worker finished", d)
	}
	if alive(old) {
		t.Errorf("old worker %d survived", old)
	}
}

func TestReloadFailureKeepsOldGeneration(t *testing.T) {
	bus := NewBus()
	events := collect(t, bus)
	flag := filepath.Join(t.TempDir(), "broken")
	cfg := helperConfig(t, "", 2)
	cfg.Server.Env["BOOT_FAIL"] = flag
	p := newPool(t, cfg, bus)
	old := pids(p.Stats())
	writeFile(t, flag, "x")
	err := p.Reload(context.Background(), "1 file changed: src/broken.php")
	if err == nil || !strings.Contains(err.Error(), "boot failed because") {
		t.Fatalf("Reload: %v, want the boot error", err)
	}
	st := p.Stats()
	if st.Generation != 1 || !strings.Contains(st.BootError, "boot failed") {
		t.Errorf("stats after failed reload: gen %d, boot error %q", st.Generation, st.BootError)
	}
	for i := 0; i < 10; i++ {
		r, err := p.Exec(context.Background(), Payload{Context: []byte("c"), Body: []byte("b")})
		if err != nil {
			t.Fatalf("old generation stopped serving: %v", err)
		}
		if !old[r.PID()] {
			t.Errorf("served by %d, not by the old generation", r.PID())
		}
		r.Release()
	}
	if !hasEvent(events(), EventReloadFailed, func(e Event) bool { return e.Reason == "1 file changed: src/broken.php" }) {
		t.Error("no EventReloadFailed with the reload's reason")
	}
	os.Remove(flag)
	if err := p.Reload(context.Background(), "test"); err != nil {
		t.Fatalf("reload after fix: %v", err)
	}
	st = p.Stats()
	if st.BootError != "" || len(st.Workers) != 2 || st.Generation < 2 {
		t.Fatalf("after fixed reload: %+v", st)
	}
	for pid := range pids(st) {
		if old[pid] {
			t.Errorf("old worker %d still serving", pid)
		}
	}
}

func TestResetWorker(t *testing.T) {
	p := newPool(t, helperConfig(t, "", 2), nil)
	st := p.Stats()
	victim, other := st.Workers[0].PID, st.Workers[1].PID
	if err := p.ResetWorker(context.Background(), victim); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 3*time.Second, "replacement", func() bool {
		m := pids(p.Stats())
		return len(m) == 2 && !m[victim] && m[other] && p.Stats().Count(StateReady) == 2
	})
	if alive(victim) {
		t.Errorf("reset worker %d still running", victim)
	}
	if err := p.ResetWorker(context.Background(), 1); !errors.Is(err, ErrNoSuchWorker) {
		t.Errorf("unknown pid: %v", err)
	}
}

// Reload answers only after the old generation has left, and Stats read
// right after it must say so (the RPC reset and the dashboard read it
// next): no stopped worker of the old generation may be listed.
func TestStatsAfterReloadShowOnlyNewGeneration(t *testing.T) {
	// More Ps than cores let the Reload caller run while the supervisor
	// is still between its reply and its snapshot, if it replies first.
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	p := newPool(t, helperConfig(t, "", 2), nil)
	for i := 0; i < 15; i++ {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		err := p.Reload(ctx, "test")
		cancel()
		if err != nil {
			t.Fatalf("reload %d: %v", i, err)
		}
		st := p.Stats()
		if len(st.Workers) != 2 {
			t.Fatalf("reload %d: %d workers listed: %+v", i, len(st.Workers), st.Workers)
		}
		for _, w := range st.Workers {
			if w.State == StateStopped || w.State == StateStopping {
				t.Fatalf("reload %d: old worker still listed: %+v", i, w)
			}
		}
	}
}
