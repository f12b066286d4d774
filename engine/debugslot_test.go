package engine

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

// In debug mode two requests that arrive together are served one after
// the other, each by its own fresh worker, and the second one's worker
// starts only after the first one's has exited: a request paused at a
// breakpoint is the only one running.
func TestDebugModeOneWorkerAtATime(t *testing.T) {
	cfg := helperConfig(t, "", 4)
	cfg.Pool.Debug, cfg.Pool.DebugOneWorker = true, true
	cfg.Pool.AllocateTimeout = time.Second // shorter than the first job: the queue behind it ignores it
	p := newPool(t, cfg, nil)

	type result struct {
		pid  int
		wait time.Duration
		err  error
	}
	results := make(chan result, 2)
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := p.Exec(context.Background(), Payload{Context: []byte("sleep:1200")})
			if err != nil {
				results <- result{err: err}
				return
			}
			results <- result{pid: r.PID(), wait: r.QueueWait()}
			r.Release()
		}()
	}
	most := 0
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	for polling := true; polling; {
		select {
		case <-done:
			polling = false
		case <-time.After(5 * time.Millisecond):
			most = max(most, len(p.Stats().Workers))
		}
	}
	close(results)
	var got []result
	for r := range results {
		if r.err != nil {
			t.Fatalf("a request queued behind the debug worker failed: %v", r.err)
		}
		got = append(got, r)
	}
	if got[0].pid == got[1].pid {
		t.Errorf("both requests served by PID %d, want a fresh worker each", got[0].pid)
	}
	if most != 1 {
		t.Errorf("saw %d workers at once, want 1", most)
	}
	if w := max(got[0].wait, got[1].wait); w < time.Second {
		t.Errorf("the second request waited %v, want it to wait for the first (1.2s job)", w)
	}
}

// A request waiting for the debug worker gives up with its context, not
// with allocate_timeout, and the pool keeps serving.
func TestDebugModeWaitEndsWithContext(t *testing.T) {
	cfg := helperConfig(t, "", 1)
	cfg.Pool.Debug, cfg.Pool.DebugOneWorker = true, true
	p := newPool(t, cfg, nil)
	held := make(chan error, 1)
	go func() {
		r, err := p.Exec(context.Background(), Payload{Context: []byte("sleep:400")})
		if err == nil {
			r.Release()
		}
		held <- err
	}()
	waitFor(t, 2*time.Second, "the first debug worker", func() bool { return len(p.Stats().Workers) == 1 })
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, err := p.Exec(ctx, Payload{Context: []byte("c")}); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want the context's deadline", err)
	}
	if err := <-held; err != nil {
		t.Fatal(err)
	}
	r, err := p.Exec(context.Background(), Payload{Context: []byte("c")})
	if err != nil {
		t.Fatalf("after a given-up wait: %v", err)
	}
	r.Release()
}
