package jobs

import (
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
	for i := range 100 {
		p.q.Insert(&fakeDelivery{j: Job{ID: string(rune('a' + i%26))}})
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
	// One long job stops batches until its peak has decayed.
	p.observe(time.Second, 1)
	if got := p.batchSize(); got != 1 {
		t.Fatalf("right after a 1 s job: %d, want 1", got)
	}
	n := 0
	for p.batchSize() == 1 && n < 10000 {
		p.observe(20*time.Microsecond, 1)
		n++
	}
	if n < 300 || n > 1000 {
		t.Fatalf("batches came back after %d short jobs, want some hundreds", n)
	}
}

type fakeBatchPool struct{ BatchPool }
