package jobs

import (
	"fmt"
	"testing"
	"time"
)

func TestBatchSize(t *testing.T) {
	p := &Plugin{cfg: Config{Batch: 16}, deps: Deps{Workers: 2}, q: newPQueue(), bpool: BatchPool(nil)}
	if got := p.batchSize(); got != 1 {
		t.Fatalf("without a batch pool: %d, want 1", got)
	}
	p.bpool = fakeBatchPool{}
	if got := p.batchSize(); got != 1 {
		t.Fatalf("nothing measured yet: %d, want 1", got)
	}
	for range 50 {
		p.observe(20*time.Microsecond, 1)
	}
	for range 100 {
		p.q.Insert(&fakeDelivery{})
	}
	if got := p.batchSize(); got != 16 {
		t.Fatalf("short jobs, long queue: %d, want jobs.batch (16)", got)
	}
	// The waiting jobs are shared out among the workers.
	p.q.Drain()
	for range 5 {
		p.q.Insert(&fakeDelivery{})
	}
	if got := p.batchSize(); got != 3 {
		t.Fatalf("6 jobs for 2 workers: %d, want 3", got)
	}
	for range 100 {
		p.q.Insert(&fakeDelivery{})
	}
	// Jobs of 250 µs: four fit in the budget.
	for range 200 {
		p.observe(250*time.Microsecond, 1)
	}
	if got := p.batchSize(); got != 4 {
		t.Fatalf("250 µs jobs: %d, want 4", got)
	}
	// Jobs of a millisecond or more go alone.
	for range 200 {
		p.observe(2*time.Millisecond, 1)
	}
	if got := p.batchSize(); got != 1 {
		t.Fatalf("2 ms jobs: %d, want 1", got)
	}
}

func TestSlowNamesEndBatches(t *testing.T) {
	p := &Plugin{q: newPQueue()}
	for _, name := range []string{"a", "report", "b", "c"} {
		p.q.Insert(&fakeDelivery{j: Job{ID: name, Name: name}})
	}
	ids := func(ds []Delivery) (out []string) {
		for _, d := range ds {
			out = append(out, d.Job().ID)
		}
		return out
	}
	p.names.observe("report", 20*time.Millisecond)
	p.names.observe("a", 30*time.Microsecond)
	got := ids(p.q.TakeMore(nil, 10, p.endsBatch))
	if len(got) != 2 || got[1] != "report" {
		t.Fatalf("took %v, want a and report: nothing is written behind a slow job", got)
	}
	if got := ids(p.q.TakeMore(nil, 10, p.endsBatch)); len(got) != 2 {
		t.Fatalf("then %v, want b and c", got)
	}
}

func TestNameTimesAverage(t *testing.T) {
	var n nameTimes
	if n.slow("x") {
		t.Fatal("an unknown name is not slow")
	}
	// A short class held up once (a scheduler slice on a busy host)
	// stays short.
	for range 20 {
		n.observe("short", 30*time.Microsecond)
	}
	n.observe("short", 6*time.Millisecond)
	if n.slow("short") {
		t.Fatal("one late job made its class slow")
	}
	// A class that takes long is slow from its first job, and stops
	// being slow once its jobs are short again.
	n.observe("report", 20*time.Millisecond)
	if !n.slow("report") {
		t.Fatal("a 20 ms job did not make its class slow")
	}
	for range 20 {
		n.observe("report", 100*time.Microsecond)
	}
	if n.slow("report") {
		t.Fatal("a class stayed slow after 20 short jobs")
	}
	// Names are bounded: past maxNames the table starts over.
	for i := range maxNames + 10 {
		n.observe(fmt.Sprint("n", i), time.Millisecond)
	}
	n.mu.RLock()
	size := len(n.names)
	n.mu.RUnlock()
	if size > maxNames {
		t.Fatalf("%d names kept, want at most %d", size, maxNames)
	}
}

type fakeBatchPool struct{ BatchPool }
