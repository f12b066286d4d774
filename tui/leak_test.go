package tui

import (
	"strings"
	"testing"
	"time"

	"github.com/phprun/phprun/engine"
	"github.com/phprun/phprun/httpfront/access"
)

func leakStats(rss uint64, execs uint64) []engine.Stats {
	return []engine.Stats{{Pool: "http", Workers: []engine.WorkerInfo{{PID: 10, NumExecs: execs, RSS: rss}}}}
}

func leakRec(path string) []access.Record {
	return []access.Record{{Method: "GET", Path: path, Status: 200, PID: 10}}
}

// TestLeakTrackerPairsRequestsWithRSSGrowth: the RSS change of a worker
// across exactly one request is attributed to that request's route,
// whether the access record arrives in the same poll as the exec count,
// before it, or after it; a route is flagged by its median growth.
func TestLeakTrackerPairsRequestsWithRSSGrowth(t *testing.T) {
	l := newLeakTracker()
	rss, execs := uint64(20<<20), uint64(0)
	l.observe(leakStats(rss, execs), nil)
	for i := range 6 {
		rss += 1 << 20 // /leak keeps 1 MiB per request
		execs++
		switch i % 3 {
		case 0: // record and count in the same poll
			l.observe(leakStats(rss, execs), leakRec("/leak"))
		case 1: // count first, record one poll later
			l.observe(leakStats(rss, execs), nil)
			l.observe(leakStats(rss, execs), leakRec("/leak"))
		case 2: // record first, count one poll later
			l.observe(leakStats(rss-(1<<20), execs-1), leakRec("/leak"))
			l.observe(leakStats(rss, execs), nil)
		}
		execs++ // /ok frees what it used
		l.observe(leakStats(rss, execs), leakRec("/ok"))
	}
	got := l.worst()
	if !strings.HasPrefix(got, "GET /leak +1.0M/req (median of 6)") {
		t.Fatalf("worst = %q", got)
	}
	if med, n := l.routes["GET /ok"].median(); med != 0 || n != 6 {
		t.Fatalf("/ok: median %d of %d", med, n)
	}
}

func TestLeakTrackerSkipsWhatItCannotPair(t *testing.T) {
	l := newLeakTracker()
	l.observe(leakStats(20<<20, 0), nil)
	for i := range 10 { // two requests per poll: no single request to blame
		l.observe(leakStats(uint64(21+i)<<20, uint64(2*i+2)), append(leakRec("/a"), leakRec("/b")...))
	}
	if len(l.routes) != 0 || l.worst() != "" {
		t.Fatalf("attributed unpairable growth: %v", l.routes)
	}
	// too few samples
	for i := range leakMinSamples - 1 {
		l.observe(leakStats(uint64(40+i)<<20, uint64(30+i)), leakRec("/c"))
	}
	if l.worst() != "" {
		t.Fatalf("flagged after %d samples: %q", leakMinSamples-1, l.worst())
	}
}

func TestWorkersTitleShowsTheLeakHint(t *testing.T) {
	src := newFakeSource()
	m := testModel(t, src, 120, 40)
	rss, execs := uint64(30<<20), uint64(0)
	at := t0
	for range 8 {
		m, _ = step(m, pollMsg{at: at, stats: leakStats(rss, execs)})
		rss, execs, at = rss+(2<<20), execs+1, at.Add(300*time.Millisecond)
		rec := access.Record{Time: at, Method: "GET", Path: "/report", Status: 200, PID: 10}
		src.ring.Add(&rec)
		recs, next := src.Requests(m.reqSeq, nil)
		m, _ = step(m, pollMsg{at: at, stats: leakStats(rss, execs), recs: recs, since: m.reqSeq, next: next})
	}
	if v := m.View(); !strings.Contains(v, "leak? GET /report +2.0M/req (median of ") {
		t.Fatalf("no leak hint:\n%s", v)
	}
}

// TestLeakTrackerIgnoresFailedRequests: a 5xx answer (a crashed or killed
// worker) pairs with its exec count but is not counted for its route.
func TestLeakTrackerIgnoresFailedRequests(t *testing.T) {
	l := newLeakTracker()
	l.observe(leakStats(20<<20, 0), nil)
	for i := range 8 {
		rec := []access.Record{{Method: "GET", Path: "/boom", Status: 502, PID: 10}}
		l.observe(leakStats(uint64(21+i)<<20, uint64(i+1)), rec)
	}
	if len(l.routes) != 0 {
		t.Fatalf("failed requests were counted: %v", l.routes)
	}
}
