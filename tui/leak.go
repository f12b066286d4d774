package tui

import (
	"fmt"
	"slices"

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

// leakTracker attributes a worker's RSS change between two stats polls to
// a route when the worker served exactly one request in between: no
// measurement on the hot path, only the figures the dashboard already
// polls. Requests served back to back by the same worker within one poll
// (250 ms) are not measured; in development that is rare.
type leakTracker struct {
	last    map[int]workerSample // PID → execs and RSS at the last poll
	delta   map[int]int64        // PID → a one-request RSS change waiting for its access record
	pending map[int]string       // PID → a route whose access record came before the exec count
	routes  map[string]*routeGrowth

	// scratch, cleared and reused by every observe
	perPID map[int]pidRecords
	seen   map[int]bool
}

// pidRecords is what one poll brought for one worker: how many access
// records, and the first of them.
type pidRecords struct {
	n   int
	rec *access.Record
}

type workerSample struct {
	execs uint64
	rss   uint64
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
	return leakTracker{last: map[int]workerSample{}, delta: map[int]int64{}, pending: map[int]string{},
		routes: map[string]*routeGrowth{}, perPID: map[int]pidRecords{}, seen: map[int]bool{}}
}

// routeOf names a route by method and path, without the query. A failed
// request (5xx: the worker may have crashed or been killed) names none:
// its record still pairs with its exec count, but nothing is counted.
func routeOf(r *access.Record) string {
	if r.Status >= 500 {
		return ""
	}
	return r.Method + " " + r.Path
}

func hasKey[V any](m map[int]V, k int) bool { _, ok := m[k]; return ok }

// observe takes one poll: the workers' figures and the access records
// that arrived with them. It allocates only when it attributes a request.
func (l *leakTracker) observe(stats []engine.Stats, recs []access.Record) {
	clear(l.perPID)
	clear(l.seen)
	for i := range recs {
		if r := &recs[i]; r.PID != 0 {
			pr := l.perPID[r.PID]
			if pr.n == 0 {
				pr.rec = r
			}
			pr.n++
			l.perPID[r.PID] = pr
		}
	}
	for _, s := range stats {
		for _, w := range s.Workers {
			l.seen[w.PID] = true
			prev, ok := l.last[w.PID]
			l.last[w.PID] = workerSample{execs: w.NumExecs, rss: w.RSS}
			pr := l.perPID[w.PID]
			if !ok || w.RSS == 0 || prev.rss == 0 {
				continue
			}
			switch n := w.NumExecs - prev.execs; {
			case n == 1 && pr.n == 1:
				l.attribute(routeOf(pr.rec), int64(w.RSS)-int64(prev.rss))
			case n == 1 && pr.n == 0 && hasKey(l.pending, w.PID):
				l.attribute(l.pending[w.PID], int64(w.RSS)-int64(prev.rss))
				delete(l.pending, w.PID)
			case n == 1 && pr.n == 0:
				l.delta[w.PID] = int64(w.RSS) - int64(prev.rss)
			case n == 0 && pr.n == 1:
				if d, ok := l.delta[w.PID]; ok {
					l.attribute(routeOf(pr.rec), d)
					delete(l.delta, w.PID)
				} else {
					l.pending[w.PID] = routeOf(pr.rec)
				}
			case n == 0 && pr.n == 0:
			default: // several requests, or counts that do not pair: skip
				delete(l.delta, w.PID)
				delete(l.pending, w.PID)
			}
		}
	}
	for pid := range l.last {
		if !l.seen[pid] {
			delete(l.last, pid)
			delete(l.delta, pid)
			delete(l.pending, pid)
		}
	}
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
