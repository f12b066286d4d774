package jobs

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"
)

// fakeDelivery is a bare Delivery for the queue's own tests.
type fakeDelivery struct{ j Job }

func (f *fakeDelivery) Job() *Job                                        { return &f.j }
func (f *fakeDelivery) Ack() error                                       { return nil }
func (f *fakeDelivery) Nack(bool, time.Duration) error                   { return nil }
func (f *fakeDelivery) Requeue(map[string][]string, time.Duration) error { return nil }

// TestPQueueOrder: the lowest priority number first, FIFO among equals,
// also after Remove rebuilt the heap.
func TestPQueueOrder(t *testing.T) {
	q := newPQueue()
	r := rand.New(rand.NewPCG(1, 2))
	var in []*fakeDelivery
	for i := range 500 {
		pipeline := "a"
		if i%3 == 0 {
			pipeline = "b"
		}
		d := &fakeDelivery{j: Job{ID: string(rune('0' + i%10)), Pipeline: pipeline, Priority: r.Int64N(5)}}
		in = append(in, d)
		q.Insert(d)
	}
	if got := len(q.Remove("b")); got != 167 {
		t.Fatalf("Remove took %d deliveries, want 167", got)
	}
	order := map[Delivery]int{}
	for i, d := range in {
		order[d] = i
	}
	prevPrio, prevIdx := int64(-1), -1
	for n := 0; q.Len() > 0; n++ {
		d, ok := q.Take(context.Background())
		if !ok || d.Job().Pipeline != "a" {
			t.Fatalf("take %d: %v %v", n, ok, d)
		}
		p, idx := d.Job().Priority, order[d]
		if p < prevPrio || (p == prevPrio && idx < prevIdx) {
			t.Fatalf("take %d: priority %d #%d after priority %d #%d", n, p, idx, prevPrio, prevIdx)
		}
		prevPrio, prevIdx = p, idx
	}
}

// TestPQueueAllocs: inserting and taking a delivery allocates nothing
// once the heap has grown (no interface boxing per job).
func TestPQueueAllocs(t *testing.T) {
	q := newPQueue()
	d := &fakeDelivery{j: Job{Priority: 3}}
	q.Insert(d)
	_, _ = q.Take(context.Background())
	if n := testing.AllocsPerRun(200, func() {
		q.Insert(d)
		_, _ = q.Take(context.Background())
	}); n != 0 {
		t.Errorf("%v allocations per insert and take", n)
	}
}

// TestSettleAllocs: deciding and applying an ack, and finding a job's tag
// and driver for the second job of a kind, allocate nothing.
func TestSettleAllocs(t *testing.T) {
	p := &Plugin{pipes: map[string]*pipe{"emails": {cfg: Pipeline{Name: "emails", Driver: "memory"}}}}
	d := &fakeDelivery{j: Job{Pipeline: "emails", Name: "Send"}}
	var tc tagCache
	if tag, driver := tc.lookup(p, &d.j); tag != "emails:Send" || driver != "memory" {
		t.Fatalf("lookup = %q, %q", tag, driver)
	}
	ack := []byte(replyAckJSON)
	if n := testing.AllocsPerRun(200, func() {
		var f Finished
		p.settleReply(&f, ack).apply(d)
		_, _ = tc.lookup(p, &d.j)
	}); n != 0 {
		t.Errorf("%v allocations per settle", n)
	}
	p.gen.Add(1)
	p.pipes["emails"].cfg.Driver = "boltdb"
	if _, driver := tc.lookup(p, &d.j); driver != "boltdb" {
		t.Errorf("after a pipeline change the cache said %q", driver)
	}
}
