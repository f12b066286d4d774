package jobs

import (
	"testing"
	"time"
)

// TestLatencyBuckets: a push lands in the first bucket whose bound it does
// not exceed (or +Inf); the snapshot is cumulative, its count the total.
func TestLatencyBuckets(t *testing.T) {
	p := &Plugin{}
	s := p.counters.statsFor(Pipeline{Name: "emails", Driver: "memory"})
	if p.counters.statsFor(Pipeline{Name: "emails", Driver: "memory"}) != s {
		t.Fatal("statsFor made a second entry for the same pipeline")
	}
	for _, d := range []time.Duration{3 * time.Millisecond, 5 * time.Millisecond, 20 * time.Millisecond, 20 * time.Second} {
		s.single.observe(d)
	}
	s.batch.observe(time.Millisecond)
	p.counters.pushOK.Add(5)
	c := p.Counters()
	if c.PushOK != 5 || len(c.Pushes) != 2 {
		t.Fatalf("Counters = %+v", c)
	}
	b, single := c.Pushes[0], c.Pushes[1]
	if b.Source != SourceBatch || b.Count != 1 || single.Source != SourceSingle || single.Pipeline != "emails" || single.Driver != "memory" {
		t.Fatalf("series = %+v", c.Pushes)
	}
	// bounds .005 .01 .025 …: 3 ms and 5 ms ≤ .005, 20 ms ≤ .025, 20 s only in +Inf
	if single.Count != 4 || single.Cumulative[0] != 2 || single.Cumulative[1] != 2 || single.Cumulative[2] != 3 || single.Cumulative[len(LatencyBuckets)-1] != 3 {
		t.Errorf("single = %+v", single)
	}
	if want := 20028 * time.Millisecond; single.Sum != want {
		t.Errorf("sum = %v, want %v", single.Sum, want)
	}
}

// TestCountingAllocs: counting a push or a job allocates nothing.
func TestCountingAllocs(t *testing.T) {
	p := &Plugin{}
	s := p.counters.statsFor(Pipeline{Name: "emails", Driver: "memory"})
	if n := testing.AllocsPerRun(100, func() {
		s.single.observe(time.Millisecond)
		p.counters.pushOK.Add(1)
		p.counters.jobsOK.Add(1)
		p.counters.jobsRequeue.Add(1)
	}); n != 0 {
		t.Errorf("%v allocations per count", n)
	}
}
