package jobs

import (
	"sort"
	"sync/atomic"
	"time"
)

// Push sources, RoadRunner's values of the source label of
// rr_jobs_requests_total and rr_jobs_push_latency.
const (
	SourceSingle = "single" // jobs.Push (and Plugin.Push from Go)
	SourceBatch  = "batch"  // jobs.PushBatch
)

// LatencyBuckets are the upper bounds, in seconds, of the push latency
// histogram: client_golang's default buckets, which RoadRunner uses for
// rr_jobs_push_latency.
var LatencyBuckets = [...]float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}

// counters are the plugin's own figures, behind RoadRunner's rr_jobs_*
// metrics. Every update is an atomic add on memory allocated when the
// pipeline was declared, so pushing and running jobs take no lock and
// allocate nothing for them; the metrics plugin reads them at scrape time.
type counters struct {
	pushOK, pushErr atomic.Uint64 // jobs pushed, jobs refused
	jobsOK, jobsErr atomic.Uint64 // replies from a worker; failures without one
	jobsRequeue     atomic.Uint64 // replies that asked for the job again (requeue, nack or error with requeue)
	batched         atomic.Uint64 // jobs run in batches of two or more (batch.go)

	// pushes holds one entry per pipeline name and driver ever declared,
	// kept after Destroy so the counters never go back. Guarded by
	// Plugin.mu (written by add, read by Counters).
	pushes map[pushKey]*pushStats
}

type pushKey struct{ pipeline, driver string }

// pushStats counts the pushes to one pipeline, by source.
type pushStats struct {
	single, batch latency
}

// latency is a histogram kept in atomics: a count per bucket (the last
// one is +Inf) and the sum in nanoseconds. The total is the buckets' sum,
// so a snapshot taken during a push is still self-consistent.
type latency struct {
	buckets [len(LatencyBuckets) + 1]atomic.Uint64
	sumNS   atomic.Int64
}

func (l *latency) observe(d time.Duration) {
	s := d.Seconds()
	i := 0
	for i < len(LatencyBuckets) && s > LatencyBuckets[i] {
		i++
	}
	l.buckets[i].Add(1)
	l.sumNS.Add(int64(d))
}

// statsFor returns the push stats of pl, creating them once. Caller holds
// Plugin.mu.
func (c *counters) statsFor(pl Pipeline) *pushStats {
	k := pushKey{pl.Name, pl.Driver}
	if s, ok := c.pushes[k]; ok {
		return s
	}
	if c.pushes == nil {
		c.pushes = map[pushKey]*pushStats{}
	}
	s := &pushStats{}
	c.pushes[k] = s
	return s
}

// Counters is a snapshot of the plugin's own figures.
type Counters struct {
	PushOK, PushErr uint64 // jobs stored by a driver; pushes that failed
	JobsOK, JobsErr uint64 // jobs a worker answered; jobs that got no answer (error frame, crash, exec_ttl)
	// JobsRequeue counts the replies that put the job back: requeue, and
	// nack or error with requeue. Such a reply is in JobsOK too (RoadRunner
	// 2025.1 counts every reply there). A crash's redelivery is not.
	JobsRequeue uint64
	Pushes      []PushSeries
}

// PushSeries is one label set of rr_jobs_requests_total and
// rr_jobs_push_latency. Only series with at least one push are listed,
// as RoadRunner only shows them after the first push.
type PushSeries struct {
	Driver, Pipeline, Source string
	Count                    uint64
	Sum                      time.Duration
	// Cumulative[i] counts the pushes that took at most LatencyBuckets[i].
	Cumulative [len(LatencyBuckets)]uint64
}

// Counters returns a snapshot of the plugin's counters, series sorted by
// pipeline, driver and source.
func (p *Plugin) Counters() Counters {
	c := &p.counters
	out := Counters{PushOK: c.pushOK.Load(), PushErr: c.pushErr.Load(), JobsOK: c.jobsOK.Load(), JobsErr: c.jobsErr.Load(),
		JobsRequeue: c.jobsRequeue.Load()}
	p.mu.Lock()
	for k, s := range c.pushes {
		out.Pushes = appendSeries(out.Pushes, k, SourceBatch, &s.batch)
		out.Pushes = appendSeries(out.Pushes, k, SourceSingle, &s.single)
	}
	p.mu.Unlock()
	sort.Slice(out.Pushes, func(i, j int) bool {
		a, b := out.Pushes[i], out.Pushes[j]
		if a.Pipeline != b.Pipeline {
			return a.Pipeline < b.Pipeline
		}
		if a.Driver != b.Driver {
			return a.Driver < b.Driver
		}
		return a.Source < b.Source
	})
	return out
}

func appendSeries(dst []PushSeries, k pushKey, source string, l *latency) []PushSeries {
	s := PushSeries{Driver: k.driver, Pipeline: k.pipeline, Source: source, Sum: time.Duration(l.sumNS.Load())}
	var cum uint64
	for i := range LatencyBuckets {
		cum += l.buckets[i].Load()
		s.Cumulative[i] = cum
	}
	s.Count = cum + l.buckets[len(LatencyBuckets)].Load()
	if s.Count == 0 {
		return dst
	}
	return append(dst, s)
}
