package tui

import (
	"fmt"
	"slices"
	"time"

	"github.com/phprun/phprun/engine"
	"github.com/phprun/phprun/httpfront/access"
)

// Leak hint thresholds: a route is flagged when the median RSS growth of
// the worker across one of its requests is at least leakMinGrowth, over at
// least leakMinSamples requests. PHP touches the pages it allocates, so a
// request that keeps data alive (a static cache, a growing array) raises
// RSS by roughly that much; a request that frees what it used does not.
const (
	leakSamples    = 32 // deltas kept per route
	leakMinSamples = 5
	leakMinGrowth  = 64 << 10
)

// Bounds of what the leak tracker keeps per worker between polls.
const (
	leakRecsKept  = 16 // recent requests, to find the one of an interval
	leakOpenKept  = 4  // intervals waiting for their request's access record
	leakSampleGap = 3 * time.Second
)

// leakTracker attributes a worker's RSS change between two of the
// engine's samples to a route when the worker ran exactly one request in
// between: no measurement on the hot path, only the figures the dashboard
// already polls.
//
// The pairing uses the exec count each sample carries (SampledExecs), not
// the live one: a sample may be up to a second old when the dashboard
// polls it, and the requests that ran since belong to the next interval.
// Only samples taken while the worker was idle bound an interval, so its
// RSS change is exactly that of the one request inside. That request is
// found among the worker's access records by when the worker took it
// (arrival plus queue wait), which must fall between the two samples;
// a record may come a poll later than the sample that counts it, so an
// interval waits for it (bounded). Requests served back to back within one
// sample period (a second) are not measured; in development that is rare.
type leakTracker struct {
	pids   map[int]*pidLeak
	routes map[string]*routeGrowth
}

// pidLeak is what the tracker remembers of one worker.
type pidLeak struct {
	last workerSample // the last sample seen
	recs []leakRec    // recent requests, oldest first; at most leakRecsKept
	open []leakSpan   // one-request intervals waiting for their record
	seen bool         // scratch: in this poll's stats
}

// workerSample is one engine sample of a worker.
type workerSample struct {
	at    time.Time
	execs uint64
	rss   uint64
	idle  bool
}

// leakRec is one request as the tracker needs it: when the worker took it,
// and its route's parts (strings shared with the access record, so
// keeping them allocates nothing).
type leakRec struct {
	at           time.Time
	method, path string
	status       int
}

// leakSpan is the RSS change over an interval (from, to] between two idle
// samples with one request between them.
type leakSpan struct {
	from, to time.Time
	delta    int64
}

// routeGrowth is the recent RSS growth per request of one route.
type routeGrowth struct {
	deltas [leakSamples]int64
	n      int
}

func (r *routeGrowth) add(d int64) { r.deltas[r.n%leakSamples] = d; r.n++ }

// median of the kept deltas, and how many there are.
func (r *routeGrowth) median() (int64, int) {
	k := min(r.n, leakSamples)
	s := slices.Clone(r.deltas[:k])
	slices.Sort(s)
	if k == 0 {
		return 0, 0
	}
	return s[k/2], k
}

func newLeakTracker() leakTracker {
	return leakTracker{pids: map[int]*pidLeak{}, routes: map[string]*routeGrowth{}}
}

// route names a request by method and path, without the query. A failed
// request (5xx: the worker may have crashed or been killed) names none:
// it still fills its interval, but nothing is counted.
func (r leakRec) route() string {
	if r.status >= 500 {
		return ""
	}
	return r.method + " " + r.path
}

// pid returns the state of worker pid, creating it.
func (l *leakTracker) pid(pid int) *pidLeak {
	p := l.pids[pid]
	if p == nil {
		p = &pidLeak{}
		l.pids[pid] = p
	}
	return p
}

// observe takes one poll: the workers' figures and the access records
// that arrived with them.
func (l *leakTracker) observe(stats []engine.Stats, recs []access.Record) {
	for _, p := range l.pids {
		p.seen = false
	}
	for i := range recs {
		if r := &recs[i]; r.PID != 0 {
			p := l.pid(r.PID)
			if len(p.recs) == leakRecsKept {
				p.recs = append(p.recs[:0], p.recs[1:]...)
			}
			p.recs = append(p.recs, leakRec{at: r.Time.Add(r.QueueWait), method: r.Method, path: r.Path, status: r.Status})
		}
	}
	for _, s := range stats {
		for _, w := range s.Workers {
			p := l.pid(w.PID)
			p.seen = true
			l.sampled(p, workerSample{at: w.SampledAt, execs: w.SampledExecs, rss: w.RSS, idle: w.SampledIdle})
		}
	}
	for pid, p := range l.pids {
		if !p.seen {
			delete(l.pids, pid)
			continue
		}
		l.resolve(p)
	}
}

// sampled takes a worker's current sample; a new one closes an interval.
func (l *leakTracker) sampled(p *pidLeak, cur workerSample) {
	if cur.at.IsZero() || cur.at.Equal(p.last.at) {
		return // no sample yet, or the one already seen
	}
	prev := p.last
	p.last = cur
	if prev.at.IsZero() || !prev.idle || !cur.idle || cur.execs != prev.execs+1 || prev.rss == 0 || cur.rss == 0 {
		return // first sample, a job in progress at either end, or not exactly one request
	}
	if len(p.open) == leakOpenKept {
		p.open = append(p.open[:0], p.open[1:]...)
	}
	p.open = append(p.open, leakSpan{from: prev.at, to: cur.at, delta: int64(cur.rss) - int64(prev.rss)})
}

// resolve pairs waiting intervals with the one request taken inside each,
// and forgets requests no interval can claim any more.
func (l *leakTracker) resolve(p *pidLeak) {
	open := p.open[:0]
	for _, sp := range p.open {
		n, later, match := 0, false, leakRec{}
		for _, r := range p.recs {
			switch {
			case r.at.After(sp.from) && !r.at.After(sp.to):
				n, match = n+1, r
			case r.at.After(sp.to):
				later = true
			}
		}
		switch {
		case n == 1:
			l.attribute(match.route(), sp.delta)
		case n == 0 && !later && p.last.at.Sub(sp.to) < leakSampleGap:
			open = append(open, sp) // its record may come with the next poll
		} // else: counts that do not pair, or a record that never came
	}
	p.open = open
	// Keep only requests that a waiting or a future interval may claim:
	// those after the earliest open interval's start, or after the last
	// sample when none waits.
	keep := p.last.at
	if len(p.open) > 0 {
		keep = p.open[0].from
	}
	i := 0
	for i < len(p.recs) && !p.recs[i].at.After(keep) {
		i++
	}
	p.recs = append(p.recs[:0], p.recs[i:]...)
}

func (l *leakTracker) attribute(route string, d int64) {
	if route == "" {
		return
	}
	r := l.routes[route]
	if r == nil {
		if len(l.routes) >= 1000 { // bounded: a crawler hitting random paths
			return
		}
		r = &routeGrowth{}
		l.routes[route] = r
	}
	r.add(d)
}

// worst is the route whose requests grow worker memory the most, if any
// is past the thresholds, as "GET /report +1.0M/req (median of 12)".
func (l *leakTracker) worst() string {
	best, bestMed, bestN := "", int64(0), 0
	for route, r := range l.routes {
		med, n := r.median()
		if n >= leakMinSamples && med >= leakMinGrowth && (med > bestMed || med == bestMed && route < best) {
			best, bestMed, bestN = route, med, n
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf("%s +%s/req (median of %d)", oneLine(best), fmtBytes(uint64(bestMed)), bestN)
}
