package engine

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// collect subscribes to bus and returns a function that returns every
// event received so far.
func collect(t testing.TB, bus *Bus) func() []Event {
	sub := bus.Subscribe(4096)
	var mu sync.Mutex
	var evs []Event
	done := make(chan struct{})
	go func() {
		defer close(done)
		for e := range sub.C {
			mu.Lock()
			evs = append(evs, e)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() { bus.Unsubscribe(sub); <-done })
	return func() []Event {
		mu.Lock()
		defer mu.Unlock()
		return append([]Event(nil), evs...)
	}
}

func hasEvent(evs []Event, k EventKind, match func(Event) bool) bool {
	for _, e := range evs {
		if e.Kind == k && (match == nil || match(e)) {
			return true
		}
	}
	return false
}

func TestCrashMidJob(t *testing.T) {
	bus := NewBus()
	events := collect(t, bus)
	p := newPool(t, helperConfig(t, "", 2), bus)
	// Another job running at the same time must not be affected.
	slow := make(chan error, 1)
	go func() {
		_, got, err := execString(t, p, "sleep:150", "ok")
		if err == nil && got != "ok" {
			err = errors.New("slow job got " + got)
		}
		slow <- err
	}()
	time.Sleep(20 * time.Millisecond)
	_, _, err := execString(t, p, "crash", "")
	var we *WorkerError
	if !errors.As(err, &we) || !errors.Is(err, ErrWorkerCrashed) {
		t.Fatalf("crash: got %v, want *WorkerError wrapping ErrWorkerCrashed", err)
	}
	if !strings.Contains(we.Output, "crash on purpose") {
		t.Errorf("error output %q lacks the worker's stderr", we.Output)
	}
	if err := <-slow; err != nil {
		t.Fatalf("concurrent job failed: %v", err)
	}
	waitFor(t, 3*time.Second, "replacement", func() bool {
		st := p.Stats()
		return st.Count(StateReady) == 2 && st.Restarts == 1
	})
	if _, _, err := execString(t, p, "x", "after"); err != nil {
		t.Fatal(err)
	}
	if !hasEvent(events(), EventWorkerStopped, func(e Event) bool { return e.PID == we.PID }) {
		t.Error("no EventWorkerStopped for the crashed worker")
	}
}

func TestWorkerDiesWhileIdle(t *testing.T) {
	p := newPool(t, helperConfig(t, "", 1), nil)
	pid := p.Stats().Workers[0].PID
	_ = syscall.Kill(pid, syscall.SIGKILL)
	waitFor(t, 3*time.Second, "replacement", func() bool {
		st := p.Stats()
		return len(st.Workers) == 1 && st.Workers[0].PID != pid && st.Workers[0].State == StateReady
	})
	if _, _, err := execString(t, p, "x", "y"); err != nil {
		t.Fatalf("job after idle death: %v", err)
	}
}

func TestJunkStdoutIsResynced(t *testing.T) {
	bus := NewBus()
	events := collect(t, bus)
	p := newPool(t, helperConfig(t, "junk", 1), bus)
	for i := 0; i < 3; i++ {
		_, got, err := execString(t, p, "c", "payload")
		if err != nil || got != "payload" {
			t.Fatalf("exec with junk: %q, %v", got, err)
		}
	}
	pid := p.Stats().Workers[0].PID
	waitFor(t, time.Second, "output events", func() bool {
		n := 0
		for _, e := range events() {
			if e.Kind == EventWorkerOutput && e.PID == pid && e.Message == "Warning: stray echo" {
				n++
			}
		}
		return n == 3
	})
}

func TestSoftErrorKeepsWorker(t *testing.T) {
	p := newPool(t, helperConfig(t, "", 1), nil)
	pid := p.Stats().Workers[0].PID
	_, _, err := execString(t, p, "error", "")
	var se *SoftError
	if !errors.As(err, &se) || se.Message != "soft failure" || se.PID != pid {
		t.Fatalf("got %v, want SoftError from %d", err, pid)
	}
	if _, _, err := execString(t, p, "x", "y"); err != nil {
		t.Fatal(err)
	}
	if st := p.Stats(); st.Workers[0].PID != pid || st.Errors != 1 {
		t.Fatalf("worker should be reused: %+v", st)
	}
}

func TestWorkerInitiatedStopIsRetried(t *testing.T) {
	cfg := helperConfig(t, "stop-once", 2)
	cfg.Server.Env["STOP_MARK"] = filepath.Join(t.TempDir(), "stopped")
	p := newPool(t, cfg, nil)
	_, got, err := execString(t, p, "c", "retry me")
	if err != nil || got != "retry me" {
		t.Fatalf("got %q, %v", got, err)
	}
	waitFor(t, 3*time.Second, "replacement of the stopped worker", func() bool {
		st := p.Stats()
		return len(st.Workers) == 2 && st.Count(StateReady) == 2
	})
	if st := p.Stats(); st.Errors != 0 {
		t.Errorf("retry counted as error: %+v", st)
	}
}

func TestExecTTLKillsWorker(t *testing.T) {
	cfg := helperConfig(t, "", 1)
	cfg.Pool.Supervisor.ExecTTL = 100 * time.Millisecond
	p := newPool(t, cfg, nil)
	pid := p.Stats().Workers[0].PID
	start := time.Now()
	_, _, err := execString(t, p, "hang", "")
	if !errors.Is(err, ErrExecTTL) {
		t.Fatalf("got %v, want ErrExecTTL", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("exec_ttl took %v", d)
	}
	waitFor(t, 2*time.Second, "hung worker gone", func() bool { return !alive(pid) })
	// A job inside the limit still works on the replacement.
	if _, _, err := execString(t, p, "sleep:20", "ok"); err != nil {
		t.Fatal(err)
	}
}

func TestContextBoundsOnlyTheWait(t *testing.T) {
	p := newPool(t, helperConfig(t, "", 1), nil)
	pid := p.Stats().Workers[0].PID
	// A job whose ctx ends while PHP runs it still completes: the worker is
	// not sacrificed for a caller that left (RoadRunner does the same).
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	r, err := p.Exec(ctx, Payload{Context: []byte("sleep:150"), Body: []byte("done")})
	if err != nil || string(r.Body) != "done" || r.PID() != pid {
		t.Fatalf("job outliving its ctx: %v", err)
	}
	r.Release()
	// While waiting for a worker, ctx does count.
	held := holdWorker(t, p, "300")
	ctx2, cancel2 := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel2()
	start := time.Now()
	if _, err := p.Exec(ctx2, Payload{Context: []byte("c")}); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("queued job: %v, want DeadlineExceeded", err)
	}
	if d := time.Since(start); d > 250*time.Millisecond {
		t.Errorf("queued job gave up after %v", d)
	}
	if err := <-held; err != nil {
		t.Fatal(err)
	}
	// An already cancelled ctx costs nothing.
	ctx3, cancel3 := context.WithCancel(context.Background())
	cancel3()
	if _, err := p.Exec(ctx3, Payload{Context: []byte("c")}); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled ctx: %v", err)
	}
	if st := p.Stats(); st.Restarts != 0 || st.Workers[0].PID != pid {
		t.Fatalf("worker replaced: %+v", st)
	}
}

func TestNextContextCancelledAfterReadDoesNotLeak(t *testing.T) {
	// A ctx that ends right after a finished read must not poison the
	// worker's next read or job (the AfterFunc may fire late).
	p := newPool(t, helperConfig(t, "", 1), nil)
	for i := 0; i < 100; i++ {
		r, err := p.Exec(context.Background(), Payload{Context: []byte("stream:3")})
		if err != nil {
			t.Fatalf("iteration %d: %v", i, err)
		}
		for r.More() {
			ctx, cancel := context.WithCancel(context.Background())
			err := r.Next(ctx)
			cancel()
			if err != nil {
				t.Fatalf("iteration %d: Next: %v", i, err)
			}
		}
		r.Release()
	}
	if st := p.Stats(); st.Restarts != 0 || st.Errors != 0 {
		t.Fatalf("stats: %+v", st)
	}
}

func TestProtocolViolation(t *testing.T) {
	p := newPool(t, helperConfig(t, "badframe", 1), nil)
	_, _, err := execString(t, p, "c", "b")
	if !errors.Is(err, ErrWorkerCrashed) || !strings.Contains(err.Error(), "protocol violation") {
		t.Fatalf("got %v", err)
	}
}

func TestBootFailures(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nope.php")
	for _, tc := range []struct {
		name string
		cfg  func() Config
		is   error
		want string
	}{
		{"exit before handshake", func() Config { return helperConfig(t, "exit-boot", 1) }, errExitedEarly, "Parse error"},
		{"script not found (fake)", func() Config { return helperConfig(t, "notfound", 1) }, ErrScriptNotFound, "missing.php"},
		{"script not found (php)", func() Config { return testConfig([]string{phpBin(t), "-n", missing}, 1) }, ErrScriptNotFound, missing},
		{"relative script not found names the dir", func() Config {
			c := testConfig([]string{phpBin(t), "-n", "nope.php"}, 1)
			c.Dir, c.DirNote = filepath.Dir(missing), "the config file's folder; -w changes it"
			return c
		}, ErrScriptNotFound, "nope.php (looked in " + filepath.Dir(missing) + ", the config file's folder; -w changes it)"},
		{"no handshake", func() Config {
			c := helperConfig(t, "silent", 1)
			c.Pool.AllocateTimeout = 200 * time.Millisecond
			return c
		}, nil, "no PID handshake within allocate_timeout"},
		{"handshake without CONTROL", func() Config { return helperConfig(t, "nohandshake-control", 1) }, errHandshake, "without CONTROL"},
		{"command not found", func() Config { return testConfig([]string{"/nonexistent/php", "w.php"}, 1) }, nil, "/nonexistent/php"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			p, err := New(context.Background(), tc.cfg(), nil)
			if err == nil {
				closePool(t, p)
				t.Fatal("New succeeded")
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("error %v is not %v", err, tc.is)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q lacks %q", err, tc.want)
			}
			if d := time.Since(start); d > 3*time.Second {
				t.Errorf("took %v", d)
			}
		})
	}
}

func TestBadConfig(t *testing.T) {
	for _, tc := range []struct {
		name string
		mod  func(*Config)
		want string
	}{
		{"zero workers", func(c *Config) { c.Pool.NumWorkers = 0 }, "num_workers"},
		{"negative workers", func(c *Config) { c.Pool.NumWorkers = -3 }, "num_workers"},
		{"relay PHP cannot parse", func(c *Config) { c.Server.Relay = "tcp://:6002" }, "tcp://:6002"},
		{"no command", func(c *Config) { c.Server.Command = nil }, "server.command"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := helperConfig(t, "", 1)
			tc.mod(&cfg)
			p, err := New(context.Background(), cfg, nil)
			if err == nil {
				closePool(t, p)
				t.Fatal("New accepted a bad config")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q lacks %q", err, tc.want)
			}
		})
	}
}

func TestBootBackoffAndRecovery(t *testing.T) {
	bus := NewBus()
	events := collect(t, bus)
	flag := filepath.Join(t.TempDir(), "broken")
	cfg := helperConfig(t, "", 1)
	cfg.Server.Env["BOOT_FAIL"] = flag
	p := newPool(t, cfg, bus)
	writeFile(t, flag, "x")
	if _, _, err := execString(t, p, "crash", ""); !errors.Is(err, ErrWorkerCrashed) {
		t.Fatalf("crash: %v", err)
	}
	waitFor(t, 10*time.Second, "three boot failures", func() bool {
		n := 0
		for _, e := range events() {
			if e.Kind == EventBootFailed {
				n++
			}
		}
		return n >= 3
	})
	st := p.Stats()
	if !strings.Contains(st.BootError, "boot failed because") {
		t.Fatalf("BootError = %q", st.BootError)
	}
	// Back-off: the gaps between failures grow.
	var times []time.Time
	for _, e := range events() {
		if e.Kind == EventBootFailed {
			times = append(times, e.Time)
			if e.PID == 0 || !strings.Contains(e.Message, "worker "+strconv.Itoa(e.PID)+":") {
				t.Errorf("boot failure event without the failed worker's PID: %+v", e)
			}
		}
	}
	// Each gap is at least its back-off (100 ms, then 200 ms); a slow
	// machine only lengthens gaps, so only lower bounds are checked.
	if g1, g2 := times[1].Sub(times[0]), times[2].Sub(times[1]); g1 < backoffMin*9/10 || g2 < 2*backoffMin*9/10 {
		t.Errorf("no exponential back-off: gaps %v, %v", g1, g2)
	}
	// Jobs meanwhile fail at once with the reason instead of waiting for
	// allocate_timeout.
	start := time.Now()
	_, err := p.Exec(context.Background(), Payload{Body: []byte("x")})
	if !errors.Is(err, ErrNoFreeWorkers) || !strings.Contains(err.Error(), "boot failed because") {
		t.Fatalf("exec while workers cannot boot: %v", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("took %v", d)
	}
	os.Remove(flag)
	waitFor(t, 10*time.Second, "recovery", func() bool {
		st := p.Stats()
		return st.Count(StateReady) == 1 && st.BootError == ""
	})
	if _, _, err := execString(t, p, "x", "y"); err != nil {
		t.Fatal(err)
	}
}

// lazyCtx is a context that only learns on Err that its caller is gone,
// as httpfront's fast path does: Done never closes by itself.
type lazyCtx struct {
	context.Context
	gone atomic.Bool
}

func (c *lazyCtx) Err() error {
	if c.gone.Load() {
		return context.Canceled
	}
	return nil
}

func TestWaitedJobNotStartedForLazilyCancelledContext(t *testing.T) {
	p := newPool(t, helperConfig(t, "", 1), nil)
	pid := p.Stats().Workers[0].PID
	held := holdWorker(t, p, "150")
	ctx := &lazyCtx{Context: context.Background()}
	// The caller leaves while the job waits; only Err can tell.
	time.AfterFunc(50*time.Millisecond, func() { ctx.gone.Store(true) })
	if _, err := p.Exec(ctx, Payload{Context: []byte("c")}); !errors.Is(err, context.Canceled) {
		t.Fatalf("job of a caller that left while it waited: %v, want Canceled", err)
	}
	if err := <-held; err != nil {
		t.Fatal(err)
	}
	before := p.Stats().Execs
	// The worker was handed back unused and still serves.
	r, err := p.Exec(context.Background(), Payload{Context: []byte("c"), Body: []byte("ok")})
	if err != nil || string(r.Body) != "ok" {
		t.Fatalf("next job: %v", err)
	}
	r.Release()
	if st := p.Stats(); st.Execs != before+1 || st.Restarts != 0 || st.Workers[0].PID != pid {
		t.Fatalf("stats after: %+v (execs before %d)", st, before)
	}
}
