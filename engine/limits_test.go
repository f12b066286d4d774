package engine

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// holdWorker runs a job that sleeps ms in the (helper) worker and returns a
// channel with its result.
func holdWorker(t testing.TB, p *Pool, ms string, job ...string) chan error {
	ctx := "sleep:" + ms
	if len(job) > 0 {
		ctx = job[0]
	}
	ch := make(chan error, 1)
	go func() {
		_, _, err := execString(t, p, ctx, "")
		ch <- err
	}()
	waitFor(t, 2*time.Second, "worker busy", func() bool { return p.Stats().Count(StateWorking) == 1 })
	return ch
}

// holdWorkerUntil keeps the pool's one worker busy until release is
// called, however slow the machine: tests whose other callers must queue
// behind it do not depend on a sleep outlasting them.
func holdWorkerUntil(t testing.TB, p *Pool) (done chan error, release func()) {
	flag := filepath.Join(t.TempDir(), "release")
	done = holdWorker(t, p, "", "hold:"+flag)
	return done, func() { writeFile(t, flag, "x") }
}

func TestMaxJobsWithJitter(t *testing.T) {
	bus := NewBus()
	events := collect(t, bus)
	cfg := helperConfig(t, "", 1)
	cfg.Pool.MaxJobs = 10
	p := newPool(t, cfg, bus)
	perPID := map[int]int{}
	var order []int
	for i := 0; i < 45; i++ {
		r, err := p.Exec(context.Background(), Payload{Context: []byte("c")})
		if err != nil {
			t.Fatalf("job %d: %v", i, err)
		}
		if perPID[r.PID()] == 0 {
			order = append(order, r.PID())
		}
		perPID[r.PID()]++
		r.Release()
	}
	if len(order) < 4 {
		t.Fatalf("45 jobs with max_jobs=10 used only %d workers", len(order))
	}
	for _, pid := range order[:len(order)-1] { // the last one may be mid-life
		if n := perPID[pid]; n < 10 || n > 11 {
			t.Errorf("worker %d served %d jobs, want 10 + jitter (≤14%%)", pid, n)
		}
	}
	waitFor(t, time.Second, "limit event", func() bool {
		return hasEvent(events(), EventLimitReached, func(e Event) bool { return e.Reason == "max_jobs" })
	})
}

func TestTTL(t *testing.T) {
	cfg := helperConfig(t, "", 1)
	cfg.Pool.Supervisor.TTL = 200 * time.Millisecond
	p := newPool(t, cfg, nil)
	first := p.Stats().Workers[0].PID
	waitFor(t, 2*time.Second, "ttl replacement", func() bool {
		st := p.Stats()
		return st.Count(StateReady) == 1 && !pids(st)[first]
	})
	// A busy worker past its ttl finishes its job first.
	cfg.Pool.Supervisor.TTL = 100 * time.Millisecond
	p2 := newPool(t, cfg, nil)
	busy := p2.Stats().Workers[0].PID
	if _, got, err := execString(t, p2, "sleep:300", "done"); err != nil || got != "done" {
		t.Fatalf("job on a worker reaching ttl: %q, %v", got, err)
	}
	waitFor(t, 2*time.Second, "replacement", func() bool { return !pids(p2.Stats())[busy] })
}

func TestIdleTTL(t *testing.T) {
	bus := NewBus()
	events := collect(t, bus)
	cfg := helperConfig(t, "", 1)
	cfg.Pool.Supervisor.IdleTTL = 150 * time.Millisecond
	p := newPool(t, cfg, bus)
	first := p.Stats().Workers[0].PID
	time.Sleep(300 * time.Millisecond)
	if !pids(p.Stats())[first] {
		t.Fatal("a never-used worker was stopped by idle_ttl")
	}
	if _, _, err := execString(t, p, "c", "b"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 2*time.Second, "idle_ttl replacement", func() bool {
		st := p.Stats()
		return !pids(st)[first] && st.Count(StateReady) == 1
	})
	if !hasEvent(events(), EventLimitReached, func(e Event) bool { return e.Reason == "idle_ttl" && e.PID == first }) {
		t.Error("no idle_ttl event")
	}
}

func TestMaxWorkerMemoryPHP(t *testing.T) {
	cfg := phpConfig(t, 1)
	cfg.Pool.Supervisor.MaxWorkerMemory = 40 // MB; php -n starts near 15 MB
	p := newPool(t, cfg, nil)
	first := p.Stats().Workers[0].PID
	time.Sleep(150 * time.Millisecond)
	if !pids(p.Stats())[first] {
		t.Fatal("worker below the memory limit was stopped")
	}
	if _, _, err := execString(t, p, "cmd:leak", "50000"); err != nil { // keeps 50 MB
		t.Fatal(err)
	}
	waitFor(t, 2*time.Second, "memory replacement", func() bool {
		st := p.Stats()
		return !pids(st)[first] && st.Count(StateReady) == 1
	})
}

func TestQueueSize(t *testing.T) {
	cfg := helperConfig(t, "", 1)
	cfg.Pool.MaxQueueSize = 1
	p := newPool(t, cfg, nil)
	held := holdWorker(t, p, "300")
	queued := make(chan error, 1)
	go func() {
		_, _, err := execString(t, p, "c", "queued")
		queued <- err
	}()
	waitFor(t, time.Second, "one queued job", func() bool { return p.Stats().Queue == 1 })
	start := time.Now()
	_, _, err := execString(t, p, "c", "rejected")
	if !errors.Is(err, ErrQueueFull) {
		t.Fatalf("got %v, want ErrQueueFull", err)
	}
	if d := time.Since(start); d > 50*time.Millisecond {
		t.Errorf("rejection took %v, want immediate", d)
	}
	if err := <-held; err != nil {
		t.Fatal(err)
	}
	if err := <-queued; err != nil {
		t.Fatalf("queued job: %v", err)
	}
}

func TestAllocateTimeout(t *testing.T) {
	cfg := helperConfig(t, "", 1)
	p := newPool(t, cfg, nil)
	p.cfg.Pool.AllocateTimeout = 100 * time.Millisecond // after boot: waiting only
	held := holdWorker(t, p, "400")
	start := time.Now()
	_, _, err := execString(t, p, "c", "b")
	if !errors.Is(err, ErrNoFreeWorkers) {
		t.Fatalf("got %v, want ErrNoFreeWorkers", err)
	}
	if d := time.Since(start); d < 90*time.Millisecond || d > 300*time.Millisecond {
		t.Errorf("gave up after %v, want about 100ms", d)
	}
	if err := <-held; err != nil {
		t.Fatal(err)
	}
}

func TestDebugModeFreshWorkerPerJob(t *testing.T) {
	cfg := helperConfig(t, "", 4)
	cfg.Pool.Debug = true
	p := newPool(t, cfg, nil)
	if n := len(p.Stats().Workers); n != 0 {
		t.Fatalf("debug pool started %d workers", n)
	}
	seen := map[int]bool{}
	for i := 0; i < 3; i++ {
		r, err := p.Exec(context.Background(), Payload{Context: []byte("c")})
		if err != nil {
			t.Fatal(err)
		}
		if seen[r.PID()] {
			t.Errorf("worker %d reused in debug mode", r.PID())
		}
		seen[r.PID()] = true
		r.Release()
	}
	waitFor(t, 2*time.Second, "debug workers gone", func() bool {
		for pid := range seen {
			if alive(pid) {
				return false
			}
		}
		return len(p.Stats().Workers) == 0
	})
}

func TestStatsDuringJob(t *testing.T) {
	p := newPool(t, helperConfig(t, "", 1), nil)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		r, err := p.Exec(context.Background(), Payload{Context: []byte("sleep:200"), Tag: Tag{Kind: "GET", Name: "/slow"}})
		if err != nil {
			t.Error(err)
			return
		}
		r.Release()
	}()
	waitFor(t, time.Second, "job running", func() bool { return p.Stats().Count(StateWorking) == 1 })
	w := p.Stats().Workers[0]
	if w.JobStart.IsZero() || w.Job != (Tag{Kind: "GET", Name: "/slow"}) {
		t.Errorf("running job not visible: %+v", w)
	}
	wg.Wait()
	w = p.Stats().Workers[0]
	if !w.JobStart.IsZero() || w.State != StateReady || w.NumExecs != 1 {
		t.Errorf("after the job: %+v", w)
	}
	// A later job without a tag does not show the old one.
	go func() {
		_, _, _ = execString(t, p, "sleep:200", "")
	}()
	waitFor(t, time.Second, "second job running", func() bool { return p.Stats().Count(StateWorking) == 1 })
	if w := p.Stats().Workers[0]; w.Job != (Tag{}) {
		t.Errorf("stale tag %+v", w.Job)
	}
	waitFor(t, time.Second, "second job done", func() bool { return p.Stats().Count(StateReady) == 1 })
}
