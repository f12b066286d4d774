package tui

import (
	"strings"
	"testing"
	"time"

	"github.com/phprun/phprun/engine"
	"github.com/phprun/phprun/httpfront/access"
)

// leakWorker plays one worker's life as the engine shows it: requests
// taken at given offsets (each runs 10 ms and grows RSS by grow), the
// supervisor's sample every second (at 100 ms past, out of step with the
// polls), and the dashboard's poll every 250 ms with the live exec count,
// the last sample and the access records that arrived since the previous
// poll.
type leakWorker struct {
	reqs []leakReq
}

type leakReq struct {
	at     time.Duration // when the worker took it
	path   string
	grow   uint64
	status int
}

const (
	leakRun  = 10 * time.Millisecond  // how long each request runs
	leakTick = 100 * time.Millisecond // the supervisor samples at this offset in each second
)

// at is what the engine knows at offset d: jobs finished, jobs running,
// RSS.
func (lw leakWorker) at(d time.Duration) (done uint64, busy bool, rss uint64) {
	rss = 20 << 20
	for _, r := range lw.reqs {
		switch {
		case r.at+leakRun <= d:
			done++
			rss += r.grow
		case r.at <= d:
			busy = true
		}
	}
	return done, busy, rss
}

// play feeds l every poll of the first d of the worker's life.
func (lw leakWorker) play(l *leakTracker, d time.Duration) {
	var sample engine.WorkerInfo
	for poll, prev := 250*time.Millisecond, time.Duration(0); poll <= d; prev, poll = poll, poll+250*time.Millisecond {
		if tick := (poll-leakTick)/time.Second*time.Second + leakTick; poll >= leakTick && !t0.Add(tick).Equal(sample.SampledAt) {
			execs, busy, rss := lw.at(tick)
			sample = engine.WorkerInfo{SampledAt: t0.Add(tick), SampledExecs: execs, SampledIdle: !busy, RSS: rss}
		}
		w := sample
		w.PID = 10
		w.NumExecs, _, _ = lw.at(poll)
		var recs []access.Record
		for _, r := range lw.reqs {
			if end := r.at + leakRun; end > prev && end <= poll {
				recs = append(recs, access.Record{Time: t0.Add(r.at - time.Millisecond), QueueWait: time.Millisecond,
					Method: "GET", Path: r.path, Status: max(r.status, 200), PID: 10, Duration: leakRun})
			}
		}
		l.observe([]engine.Stats{{Pool: "http", Workers: []engine.WorkerInfo{w}}}, recs)
	}
}

// TestLeakTrackerPairsRequestsWithRSSGrowth: the RSS change of a worker
// between two samples with exactly one request between them is that
// request's route's; a route is flagged by its median growth.
func TestLeakTrackerPairsRequestsWithRSSGrowth(t *testing.T) {
	var lw leakWorker
	for i := range 12 { // one request per sample period, alternating routes
		r := leakReq{at: time.Duration(i+1)*time.Second + 300*time.Millisecond, path: "/ok"}
		if i%2 == 0 {
			r.path, r.grow = "/leak", 1<<20 // /leak keeps 1 MiB per request
		}
		lw.reqs = append(lw.reqs, r)
	}
	l := newLeakTracker()
	lw.play(&l, 14*time.Second)
	if got := l.worst(); !strings.HasPrefix(got, "GET /leak +1.0M/req (median of 6)") {
		t.Fatalf("worst = %q", got)
	}
	if med, n := l.routes["GET /ok"].median(); med != 0 || n != 6 {
		t.Fatalf("/ok: median %d of %d", med, n)
	}
}

// TestLeakTrackerStaleSampleMakesNoFalseHint is the case that broke when
// Stats began to report the supervisor's sample: the dashboard polls four
// times a second and sees a sample up to a second old beside the live
// exec count. Here /leak runs just after one sample and /ok just after the
// next, so the poll that brings /ok's record is also the first to show the
// sample with /leak's growth: pairing the live count with the sample's RSS
// blamed that growth on /ok (flagged) and gave /leak nothing. The sample's
// own exec count pairs each growth with the one request that caused it.
func TestLeakTrackerStaleSampleMakesNoFalseHint(t *testing.T) {
	var lw leakWorker
	for i := range 12 {
		base := time.Duration(2*i) * time.Second
		ok := base + 1150*time.Millisecond // between a sample and the poll that shows it
		if i%2 == 1 {
			ok += 350 * time.Millisecond // a poll later: the live count differs from the sample's by 0 or 1
		}
		lw.reqs = append(lw.reqs, leakReq{at: base + 200*time.Millisecond, path: "/leak", grow: 1 << 20}, leakReq{at: ok, path: "/ok"})
	}
	l := newLeakTracker()
	lw.play(&l, 25*time.Second)
	ok := l.routes["GET /ok"]
	if ok == nil {
		t.Fatal("/ok was never measured")
	}
	if med, n := ok.median(); med != 0 || n != 12 {
		t.Fatalf("/ok: median %d of %d, want 0 of 12", med, n)
	}
	if got := l.worst(); got != "GET /leak +1.0M/req (median of 12)" {
		t.Fatalf("worst = %q, want /leak measured 12 times", got)
	}
}

// TestLeakTrackerSkipsWhatItCannotPair: two requests between samples, or
// a sample taken while a request ran, bound no interval; too few samples
// flag nothing.
func TestLeakTrackerSkipsWhatItCannotPair(t *testing.T) {
	var lw leakWorker
	for i := range 10 {
		s := time.Duration(i) * time.Second
		lw.reqs = append(lw.reqs, leakReq{at: s + 200*time.Millisecond, path: "/a", grow: 1 << 20},
			leakReq{at: s + 600*time.Millisecond, path: "/b", grow: 1 << 20},  // two per period
			leakReq{at: s + 1095*time.Millisecond, path: "/c", grow: 1 << 20}) // running at the tick
	}
	l := newLeakTracker()
	lw.play(&l, 11*time.Second)
	if len(l.routes) != 0 || l.worst() != "" {
		t.Fatalf("attributed unpairable growth: %v", l.routes)
	}
	lw = leakWorker{}
	for i := range leakMinSamples - 1 {
		lw.reqs = append(lw.reqs, leakReq{at: time.Duration(i)*time.Second + 300*time.Millisecond, path: "/d", grow: 1 << 20})
	}
	l = newLeakTracker()
	lw.play(&l, time.Duration(leakMinSamples)*time.Second)
	if l.worst() != "" || l.routes["GET /d"].n != leakMinSamples-1 {
		t.Fatalf("after %d samples: %q, %+v", leakMinSamples-1, l.worst(), l.routes["GET /d"])
	}
}

// TestLeakTrackerIgnoresFailedRequests: a 5xx answer (a crashed or killed
// worker) fills its interval but is not counted for its route.
func TestLeakTrackerIgnoresFailedRequests(t *testing.T) {
	var lw leakWorker
	for i := range 8 {
		lw.reqs = append(lw.reqs, leakReq{at: time.Duration(i)*time.Second + 300*time.Millisecond, path: "/boom", grow: 1 << 20, status: 502})
	}
	l := newLeakTracker()
	lw.play(&l, 9*time.Second)
	if len(l.routes) != 0 {
		t.Fatalf("failed requests were counted: %v", l.routes)
	}
}

// TestLeakTrackerWaitsForALateRecord: the access record of the request
// between two samples may come a poll after the second sample.
func TestLeakTrackerWaitsForALateRecord(t *testing.T) {
	l := newLeakTracker()
	w := func(at time.Duration, execs uint64, rss uint64) []engine.Stats {
		return []engine.Stats{{Workers: []engine.WorkerInfo{{PID: 10, NumExecs: execs, RSS: rss,
			SampledAt: t0.Add(at), SampledExecs: execs, SampledIdle: true}}}}
	}
	rss := uint64(20 << 20)
	for i := range 6 {
		s := time.Duration(i) * time.Second
		l.observe(w(s, uint64(i), rss), nil)
		rss += 2 << 20
		l.observe(w(s+time.Second, uint64(i+1), rss), nil) // the sample counts it, no record yet
		rec := access.Record{Time: t0.Add(s + 400*time.Millisecond), Method: "GET", Path: "/late", Status: 200, PID: 10}
		l.observe(w(s+time.Second, uint64(i+1), rss), []access.Record{rec})
	}
	if got := l.worst(); !strings.HasPrefix(got, "GET /late +2.0M/req (median of 6)") {
		t.Fatalf("worst = %q", got)
	}
}

func TestWorkersTitleShowsTheLeakHint(t *testing.T) {
	src := newFakeSource()
	m := testModel(t, src, 120, 40)
	rss := uint64(30 << 20)
	for i := range 8 {
		s := t0.Add(time.Duration(i) * time.Second)
		info := engine.WorkerInfo{PID: 10, NumExecs: uint64(i), RSS: rss, SampledAt: s, SampledExecs: uint64(i), SampledIdle: true}
		m, _ = step(m, pollMsg{at: s, stats: []engine.Stats{{Pool: "http", Workers: []engine.WorkerInfo{info}}}})
		rec := access.Record{Time: s.Add(300 * time.Millisecond), Method: "GET", Path: "/report", Status: 200, PID: 10}
		src.ring.Add(&rec)
		recs, next := src.Requests(m.reqSeq, nil)
		m, _ = step(m, pollMsg{at: s.Add(500 * time.Millisecond), stats: []engine.Stats{{Pool: "http", Workers: []engine.WorkerInfo{info}}},
			recs: recs, since: m.reqSeq, next: next})
		rss += 2 << 20
	}
	if v := m.View(); !strings.Contains(v, "leak? GET /report +2.0M/req (median of ") {
		t.Fatalf("no leak hint:\n%s", v)
	}
}
