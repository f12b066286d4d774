package jobstest

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/phprun/phprun/jobs"
)

// Suite describes the driver under test.
type Suite struct {
	// Driver is the driver name, e.g. "memory".
	Driver string
	// Open opens a driver for p delivering into q. p.Name is fresh for
	// every call except reopening (Durable); p.Config holds the keys the
	// suite sets (prefetch, priority): add the broker's own (queue,
	// stream, file) keyed on p.Name. Register cleanup with t.Cleanup.
	Open func(t *testing.T, p jobs.Pipeline, q jobs.Queue) jobs.Driver
	// Ordered: the driver hands out ready jobs lowest priority first
	// (memory, boltdb). Brokers that only carry the priority leave it false.
	Ordered bool
	// Durable: jobs (and their headers) survive Stop and a new Open of the
	// same pipeline; unsettled deliveries come back.
	Durable bool
	// Wait bounds each expected delivery. Default 5s.
	Wait time.Duration
}

var seq atomic.Int64

// Run runs the conformance suite against s.
func Run(t *testing.T, s Suite) {
	if s.Wait == 0 {
		s.Wait = 5 * time.Second
	}
	pipe := func(keys map[string]any) jobs.Pipeline {
		cfg := map[string]any{"priority": int64(10), "prefetch": int64(100)}
		maps.Copy(cfg, keys)
		return jobs.Pipeline{Name: fmt.Sprintf("conf-%s-%d-%d", s.Driver, time.Now().UnixNano()%1e6, seq.Add(1)), Driver: s.Driver, Config: cfg}
	}
	ctx := context.Background()
	open := func(t *testing.T, keys map[string]any) (jobs.Driver, *Collector, jobs.Pipeline) {
		p := pipe(keys)
		c := NewCollector()
		return s.Open(t, p, c), c, p
	}
	short := 300 * time.Millisecond

	t.Run("PushConsumeAck", func(t *testing.T) {
		d, c, p := open(t, nil)
		want := &jobs.Job{ID: "id-1", Name: "mail", Pipeline: p.Name, Payload: []byte(`{"to":"a"}`),
			Headers: map[string][]string{"h1": {"v1"}, "multi": {"a", "b"}}}
		pushed := want.Clone()
		push(t, d, pushed)
		// The caller may reuse its Job once Push returns (the RPC service
		// does, for a batch): the driver must have copied what it keeps.
		pushed.ID, pushed.Name, pushed.Pipeline, pushed.Priority = "reused", "reused", "reused", 99
		resume(t, d)
		dl := c.Next(t, s.Wait)
		sameJob(t, dl.Job(), want)
		if err := dl.Ack(); err != nil {
			t.Fatalf("ack: %v", err)
		}
		if err := dl.Ack(); !errors.Is(err, jobs.ErrSettled) {
			t.Fatalf("second ack: got %v, want ErrSettled", err)
		}
		c.None(t, short)
		eventually(t, s.Wait, d, func(st jobs.State) bool { return st.Ready && st.Active == 0 && st.Reserved == 0 })
	})

	t.Run("Priority", func(t *testing.T) {
		if !s.Ordered {
			t.Skip("driver does not order by priority")
		}
		d, c, p := open(t, nil)
		for i, prio := range []int64{5, 1, 0, 3} { // 0 = the pipeline's 10
			push(t, d, &jobs.Job{ID: fmt.Sprint("p", i), Name: "x", Pipeline: p.Name, Payload: []byte("x"), Priority: prio})
		}
		resume(t, d)
		var got []string
		for range 4 {
			dl := c.Next(t, s.Wait)
			got = append(got, dl.Job().ID)
			ack(t, dl)
		}
		if want := []string{"p1", "p3", "p0", "p2"}; !slices.Equal(got, want) {
			t.Fatalf("order %v, want %v", got, want)
		}
	})

	t.Run("Delay", func(t *testing.T) {
		d, c, p := open(t, nil)
		resume(t, d)
		start := time.Now()
		push(t, d, &jobs.Job{ID: "late", Name: "x", Pipeline: p.Name, Payload: []byte("x"), Delay: time.Second})
		push(t, d, &jobs.Job{ID: "now", Name: "x", Pipeline: p.Name, Payload: []byte("x")})
		first := c.Next(t, s.Wait)
		if first.Job().ID != "now" {
			t.Fatalf("first delivery %s, want the undelayed job", first.Job().ID)
		}
		ack(t, first)
		late := c.Next(t, s.Wait+time.Second)
		if el := time.Since(start); late.Job().ID != "late" || el < 900*time.Millisecond {
			t.Fatalf("delayed job %s after %v, want late after ≥1s", late.Job().ID, el)
		}
		ack(t, late)
	})

	// State counts a job waiting for its delay as delayed, not active,
	// and forgets it once it is delivered (every driver: memory and
	// boltdb from their delay heap, amqp from its delay queues, nats from
	// the messages it put back until due).
	t.Run("DelayedCount", func(t *testing.T) {
		d, c, p := open(t, nil)
		resume(t, d)
		push(t, d, &jobs.Job{ID: "waits", Name: "x", Pipeline: p.Name, Payload: []byte("x"), Delay: 3 * time.Second})
		eventually(t, 2*time.Second, d, func(st jobs.State) bool { return st.Delayed == 1 && st.Active == 0 })
		ack(t, c.Next(t, s.Wait+3*time.Second))
		eventually(t, s.Wait, d, func(st jobs.State) bool { return st.Delayed == 0 && st.Active == 0 && st.Reserved == 0 })
	})

	t.Run("Prefetch", func(t *testing.T) {
		d, c, p := open(t, map[string]any{"prefetch": int64(2)})
		for i := range 4 {
			push(t, d, &jobs.Job{ID: fmt.Sprint("f", i), Name: "x", Pipeline: p.Name, Payload: []byte("x")})
		}
		resume(t, d)
		a, b := c.Next(t, s.Wait), c.Next(t, s.Wait)
		c.None(t, short)
		ack(t, a)
		third := c.Next(t, s.Wait)
		c.None(t, short)
		ack(t, b)
		ack(t, third)
		ack(t, c.Next(t, s.Wait))
	})

	t.Run("NackAndRequeue", func(t *testing.T) {
		d, c, p := open(t, nil)
		resume(t, d)
		push(t, d, &jobs.Job{ID: "n1", Name: "x", Pipeline: p.Name, Payload: []byte("x"), Headers: map[string][]string{"keep": {"k"}}})
		dl := c.Next(t, s.Wait)
		if err := dl.Nack(true, 0); err != nil {
			t.Fatalf("nack with requeue: %v", err)
		}
		dl = c.Next(t, s.Wait)
		if dl.Job().ID != "n1" {
			t.Fatalf("redelivered %s, want n1", dl.Job().ID)
		}
		start := time.Now()
		if err := dl.Requeue(map[string][]string{"attempts": {"1"}}, time.Second); err != nil {
			t.Fatalf("requeue: %v", err)
		}
		dl = c.Next(t, s.Wait+time.Second)
		if el := time.Since(start); el < 900*time.Millisecond {
			t.Fatalf("requeued with 1s delay came back after %v", el)
		}
		want := map[string][]string{"keep": {"k"}, "attempts": {"1"}}
		for k, v := range want {
			if !slices.Equal(dl.Job().Headers[k], v) {
				t.Fatalf("headers after requeue %v, want at least %v", dl.Job().Headers, want)
			}
		}
		if err := dl.Nack(false, 0); err != nil {
			t.Fatalf("nack: %v", err)
		}
		c.None(t, short)
	})

	t.Run("PauseResume", func(t *testing.T) {
		d, c, p := open(t, nil)
		if err := d.Pause(ctx); !errors.Is(err, jobs.ErrNotConsuming) {
			t.Fatalf("pause before resume: got %v, want ErrNotConsuming", err)
		}
		resume(t, d)
		if err := d.Pause(ctx); err != nil {
			t.Fatalf("pause: %v", err)
		}
		push(t, d, &jobs.Job{ID: "pp", Name: "x", Pipeline: p.Name, Payload: []byte("x")})
		c.None(t, short)
		eventually(t, s.Wait, d, func(st jobs.State) bool { return !st.Ready })
		resume(t, d)
		ack(t, c.Next(t, s.Wait))
	})

	t.Run("Stop", func(t *testing.T) {
		d, _, p := open(t, nil)
		resume(t, d)
		if err := d.Stop(ctx); err != nil {
			t.Fatalf("stop: %v", err)
		}
		if err := d.Push(ctx, &jobs.Job{ID: "s", Name: "x", Pipeline: p.Name, Payload: []byte("x")}); err == nil {
			t.Fatal("push after stop succeeded")
		}
	})

	t.Run("Durable", func(t *testing.T) {
		if !s.Durable {
			t.Skip("driver is not durable")
		}
		p := pipe(nil)
		c := NewCollector()
		d := s.Open(t, p, c)
		for i := range 5 {
			push(t, d, &jobs.Job{ID: fmt.Sprint("d", i), Name: "x", Pipeline: p.Name, Payload: []byte(fmt.Sprint(i)), Headers: map[string][]string{"n": {fmt.Sprint(i)}}})
		}
		resume(t, d)
		c.Next(t, s.Wait) // taken, never settled: a crash
		c.Next(t, s.Wait)
		if err := d.Stop(ctx); err != nil {
			t.Fatalf("stop: %v", err)
		}
		c2 := NewCollector()
		d2 := s.Open(t, p, c2)
		resume(t, d2)
		seen := map[string]bool{}
		for range 5 {
			dl := c2.Next(t, s.Wait)
			j := dl.Job()
			if want := string(j.Payload); !slices.Equal(j.Headers["n"], []string{want}) {
				t.Fatalf("job %s after reopen: headers %v, want n=%s", j.ID, j.Headers, want)
			}
			seen[j.ID] = true
			ack(t, dl)
		}
		if len(seen) != 5 {
			t.Fatalf("after reopen got %v, want all 5 jobs", seen)
		}
	})
}

func push(t *testing.T, d jobs.Driver, j *jobs.Job) {
	t.Helper()
	if err := d.Push(context.Background(), j); err != nil {
		t.Fatalf("push %s: %v", j.ID, err)
	}
}

func resume(t *testing.T, d jobs.Driver) {
	t.Helper()
	if err := d.Resume(context.Background()); err != nil {
		t.Fatalf("resume: %v", err)
	}
}

func ack(t *testing.T, dl jobs.Delivery) {
	t.Helper()
	if err := dl.Ack(); err != nil {
		t.Fatalf("ack %s: %v", dl.Job().ID, err)
	}
}

func sameJob(t *testing.T, got, want *jobs.Job) {
	t.Helper()
	if got.ID != want.ID || got.Name != want.Name || got.Pipeline != want.Pipeline || string(got.Payload) != string(want.Payload) {
		t.Fatalf("delivered %+v, want %+v", got, want)
	}
	for k, v := range want.Headers {
		if !slices.Equal(got.Headers[k], v) {
			t.Fatalf("delivered headers %v, want at least %v", got.Headers, want.Headers)
		}
	}
}

// eventually polls State until ok or within passes.
func eventually(t *testing.T, within time.Duration, d jobs.Driver, ok func(jobs.State) bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	var st jobs.State
	for time.Now().Before(deadline) {
		var err error
		if st, err = d.State(context.Background()); err != nil {
			t.Fatalf("state: %v", err)
		}
		if ok(st) {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("state %+v never satisfied the check", st)
}
