package engine

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"
)

func TestQueueIsFIFO(t *testing.T) {
	p := newPool(t, helperConfig(t, "", 1), nil)
	held, release := holdWorkerUntil(t, p)
	const n = 5
	served := make(chan int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, _, err := execString(t, p, "c", fmt.Sprint(i)); err != nil {
				t.Errorf("job %d: %v", i, err)
			}
			served <- i
		}()
		waitFor(t, 5*time.Second, fmt.Sprintf("job %d queued", i), func() bool { return p.Stats().Queue == i+1 })
	}
	release()
	if err := <-held; err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	close(served)
	want := 0
	for i := range served {
		if i != want {
			t.Fatalf("job %d served in place %d: the queue is not first come, first served", i, want)
		}
		want++
	}
}

func TestQueueDeadlinesWithOneTimer(t *testing.T) {
	// Two waiters that joined 60 ms apart each give up allocate_timeout
	// after they joined: the pool timer, set for the first, is set again
	// for the second.
	p := newPool(t, helperConfig(t, "", 1), nil)
	p.cfg.Pool.AllocateTimeout = 100 * time.Millisecond // after boot: waiting only
	held, release := holdWorkerUntil(t, p)
	type result struct {
		err  error
		wait time.Duration
	}
	results := make([]chan result, 2)
	for i := range results {
		results[i] = make(chan result, 1)
		go func() {
			start := time.Now()
			_, _, err := execString(t, p, "c", "late")
			results[i] <- result{err, time.Since(start)}
		}()
		waitFor(t, 5*time.Second, "queued", func() bool { return p.Stats().Queue == i+1 })
		time.Sleep(60 * time.Millisecond)
	}
	for i, ch := range results {
		r := <-ch
		if !errors.Is(r.err, ErrNoFreeWorkers) {
			t.Errorf("waiter %d: %v, want ErrNoFreeWorkers", i, r.err)
		}
		// The worker stays busy until release: a waiter whose deadline
		// was never armed would wait seconds, not a scheduling delay.
		if r.wait < 95*time.Millisecond || r.wait > 2*time.Second {
			t.Errorf("waiter %d gave up after %v, want about 100ms", i, r.wait)
		}
	}
	release()
	if q := p.Stats().Queue; q != 0 {
		t.Errorf("queue length %d after both timed out", q)
	}
	if err := <-held; err != nil {
		t.Fatal(err)
	}
}

func TestQueueLosesNoWorker(t *testing.T) {
	// Many callers, a quarter of them with contexts that end at random
	// moments of their wait: a worker handed to a waiter that is leaving
	// must come back, so afterwards both workers can run at once.
	p := newPool(t, helperConfig(t, "", 2), nil)
	const callers, jobs = 12, 150
	var wg sync.WaitGroup
	for c := range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(c), 7))
			for j := range jobs {
				ctx, cancel := context.Background(), context.CancelFunc(func() {})
				if c%4 == 0 {
					ctx, cancel = context.WithTimeout(ctx, time.Duration(rng.IntN(400))*time.Microsecond)
				}
				r, err := p.Exec(ctx, Payload{Context: []byte("c"), Body: []byte("x")})
				cancel()
				switch {
				case err == nil:
					r.Release()
				case c%4 == 0 && errors.Is(err, context.DeadlineExceeded):
				default:
					t.Errorf("caller %d job %d: %v", c, j, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if q := p.Stats().Queue; q != 0 {
		t.Fatalf("queue length %d after every caller returned", q)
	}
	a, b := holdWorker(t, p, "100"), make(chan error, 1)
	go func() { _, _, err := execString(t, p, "sleep:100", ""); b <- err }()
	waitFor(t, 2*time.Second, "both workers busy", func() bool { return p.Stats().Count(StateWorking) == 2 })
	for _, ch := range []chan error{a, b} {
		if err := <-ch; err != nil {
			t.Fatal(err)
		}
	}
	if st := p.Stats(); st.Restarts != 0 {
		t.Errorf("workers were replaced: %+v", st)
	}
}

// handOffCtx is a context that has ended, and whose Done hands a worker to
// the pool's queue first: the waiter asking for Done is popped at that
// moment, so its select finds both its worker and Done ready.
type handOffCtx struct {
	context.Context
	done   chan struct{}
	onDone func()
}

func (c *handOffCtx) Done() <-chan struct{} { c.onDone(); return c.done }
func (c *handOffCtx) Err() error            { return context.Canceled }

func TestQueueLeaveAfterHandOff(t *testing.T) {
	// A waiter whose ctx ends just as a worker is handed to it must take
	// that worker (the caller gives it back), not drop it. select picks
	// either ready case at random, so 32 rounds take the leaving path
	// all but surely.
	p := newPool(t, helperConfig(t, "", 1), nil)
	w, _, err := p.acquire(context.Background(), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	ctx := &handOffCtx{Context: context.Background(), done: make(chan struct{})}
	close(ctx.done)
	ctx.onDone = func() {
		if !p.putIdle(w) {
			t.Fatal("putIdle refused the worker")
		}
	}
	for i := range 32 {
		got, err := p.acquireSlow(ctx, time.Now())
		if err != nil || got != w {
			t.Fatalf("round %d: got %v, %v: the handed-over worker was lost", i, got, err)
		}
	}
	if q := p.Stats().Queue; q != 0 {
		t.Errorf("queue length %d", q)
	}
	p.recycle(w)
}
