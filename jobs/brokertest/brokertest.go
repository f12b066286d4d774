// Package brokertest holds the scenarios only broker drivers (amqp, nats)
// face, run against a real broker: several consumers on one queue, a
// consumer that dies holding jobs, and a broker restart. The amqp and nats
// driver tests call them with their own Open; imported only by tests.
package brokertest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/phprun/phprun/internal/testbroker"
	"github.com/phprun/phprun/jobs"
	"github.com/phprun/phprun/jobs/jobstest"
)

// Open opens the driver of pipeline name (the same name reaches the same
// queue or stream) delivering into q; cleanup is the caller's.
type Open func(t *testing.T, name string, q jobs.Queue) jobs.Driver

func push(t *testing.T, d jobs.Driver, name string, ids ...string) {
	t.Helper()
	for _, id := range ids {
		if err := d.Push(context.Background(), &jobs.Job{ID: id, Name: "x", Pipeline: name, Payload: []byte(id)}); err != nil {
			t.Fatalf("push %s: %v", id, err)
		}
	}
}

func resume(t *testing.T, d jobs.Driver) {
	t.Helper()
	if err := d.Resume(context.Background()); err != nil {
		t.Fatalf("resume: %v", err)
	}
}

func ids(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s-%d", prefix, i)
	}
	return out
}

// SharedQueue: two instances of one pipeline (two phprun processes)
// consume one queue; every acked job is consumed exactly once and none is
// lost.
func SharedQueue(t *testing.T, name string, open Open) {
	const n = 300
	qa, qb := jobstest.NewCollector(), jobstest.NewCollector()
	a, b := open(t, name, qa), open(t, name, qb)
	resume(t, a)
	resume(t, b)
	var mu sync.Mutex
	seen := map[string]int{}
	per := map[string]int{}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for who, q := range map[string]*jobstest.Collector{"a": qa, "b": qb} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				dl, ok := q.TryNext(100 * time.Millisecond)
				if !ok {
					continue
				}
				mu.Lock()
				seen[dl.Job().ID]++
				per[who]++
				mu.Unlock()
				if err := dl.Ack(); err != nil {
					t.Errorf("ack: %v", err)
				}
			}
		}()
	}
	push(t, a, name, ids("half-a", n/2)...)
	push(t, b, name, ids("half-b", n/2)...)
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		mu.Lock()
		done := len(seen) == n
		mu.Unlock()
		if done {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond) // a duplicate would show up now
	close(stop)
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != n {
		t.Fatalf("consumed %d distinct jobs of %d", len(seen), n)
	}
	for id, c := range seen {
		if c != 1 {
			t.Errorf("job %s consumed %d times", id, c)
		}
	}
	if per["a"] == 0 || per["b"] == 0 {
		t.Errorf("one consumer got everything: %v", per)
	}
}

// ConsumerDies: a consumer takes jobs and dies without settling them
// (its connection closes); another instance gets every one of them.
func ConsumerDies(t *testing.T, name string, open Open) {
	qa := jobstest.NewCollector()
	a := open(t, name, qa)
	push(t, a, name, ids("orphan", 3)...)
	resume(t, a)
	for range 3 {
		qa.Next(t, 10*time.Second) // taken, never settled
	}
	if err := a.Stop(context.Background()); err != nil {
		t.Fatalf("stop: %v", err)
	}
	qb := jobstest.NewCollector()
	b := open(t, name, qb)
	resume(t, b)
	got := map[string]bool{}
	for range 3 {
		dl := qb.Next(t, 10*time.Second)
		got[dl.Job().ID] = true
		if err := dl.Ack(); err != nil {
			t.Fatalf("ack: %v", err)
		}
	}
	if len(got) != 3 {
		t.Fatalf("redelivered %v, want the 3 orphaned jobs", got)
	}
}

// BrokerRestart: with jobs queued and one taken but not settled, the
// broker restarts; the driver reconnects by itself, every job is
// delivered (the unsettled one again) and pushes work again.
func BrokerRestart(t *testing.T, b *testbroker.Broker, name string, open Open) {
	q := jobstest.NewCollector()
	d := open(t, name, q)
	push(t, d, name, ids("before", 5)...)
	resume(t, d)
	first := q.Next(t, 10*time.Second) // in flight during the restart
	if err := b.Restart(); err != nil {
		t.Fatal(err)
	}
	// amqp: its channel is gone, the ack fails and the broker redelivers
	// the job; nats: the ack goes out once reconnected and counts.
	firstAcked := first.Ack() == nil
	// Push until the driver has reconnected (bounded).
	deadline := time.Now().Add(60 * time.Second)
	for {
		err := d.Push(context.Background(), &jobs.Job{ID: "after", Name: "x", Pipeline: name, Payload: []byte("after")})
		if err == nil {
			break
		}
		if time.Now().After(deadline) || !errors.Is(err, jobs.ErrUnavailable) && !isTransient(err) {
			t.Fatalf("push after restart: %v", err)
		}
		time.Sleep(200 * time.Millisecond)
	}
	want := map[string]bool{"after": true}
	for _, id := range ids("before", 5) {
		want[id] = true
	}
	if firstAcked {
		delete(want, first.Job().ID)
	}
	got := map[string]bool{}
	for len(got) < len(want) {
		dl, ok := q.TryNext(30 * time.Second)
		if !ok {
			t.Fatalf("after the restart got %v, want %v", got, want)
		}
		got[dl.Job().ID] = true
		if err := dl.Ack(); err != nil {
			t.Logf("ack %s: %v (redelivered later)", dl.Job().ID, err)
			delete(got, dl.Job().ID)
		}
	}
}

// isTransient accepts the errors a client library reports while its
// connection is being re-established.
func isTransient(err error) bool {
	return err != nil && !errors.Is(err, jobs.ErrStopped)
}

// AckQueue is a jobs.Queue for benchmarks: deliveries wait in the channel
// for the benchmark to settle them, as the plugin's pollers settle jobs
// apart from a driver's delivery loop.
type AckQueue chan jobs.Delivery

// Insert never blocks while the channel has room; size it above prefetch.
func (q AckQueue) Insert(d jobs.Delivery) { q <- d }

// Consume is the body of a driver's consume benchmark: it pushes b.N
// small jobs to d (pipeline name), then times consuming and acking them
// all through q, and reports jobs/s. d must deliver into q.
func Consume(b *testing.B, d jobs.Driver, q AckQueue, name string) {
	ctx := context.Background()
	for i := range b.N {
		if err := d.Push(ctx, &jobs.Job{ID: fmt.Sprint(i), Name: "x", Pipeline: name, Payload: []byte("payload")}); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	start := time.Now()
	if err := d.Resume(ctx); err != nil {
		b.Fatal(err)
	}
	for range b.N {
		if err := (<-q).Ack(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "jobs/s")
}
