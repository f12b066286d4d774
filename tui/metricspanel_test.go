package tui

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/muesli/termenv"
	"github.com/phprun/phprun/httpfront/access"
)

// fakeMetrics is a Source with the metrics plugin; reads counts AppMetrics
// calls, so a test can tell the panel reads only while open.
type fakeMetrics struct {
	*fakeSource
	mu    sync.Mutex
	reads int
	err   error
}

func (f *fakeMetrics) MetricsEnabled() bool { return true }

func (f *fakeMetrics) AppMetrics() ([]AppMetric, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reads++
	if f.err != nil {
		return nil, f.err
	}
	return []AppMetric{
		{Name: "app_jobs_seconds", Type: "histogram", Series: []MetricSeries{{Count: 120, Sum: 3.42}}},
		{Name: "app_orders_total", Type: "counter", Series: []MetricSeries{{Value: 1234}}},
		{Name: "app_queue_depth", Type: "gauge", Series: []MetricSeries{
			{Labels: `queue="emails"`, Value: 12}, {Labels: `queue="reports"`, Value: 0.5}}},
		{Name: "app_unused", Type: "counter"},
	}, nil
}

// metricsModel is a dashboard over fakeMetrics with ten seconds of
// traffic: 40 access records ending at t0 (2xx, 3xx, 4xx and 5xx).
func metricsModel(t *testing.T, w, h int) (Model, *fakeMetrics) {
	t.Helper()
	src := &fakeMetrics{fakeSource: newFakeSource()}
	m := newModel(src, Options{Now: func() time.Time { return t0 }, NoHyperlink: true}, termenv.Ascii)
	m, _ = step(m, sizeMsg(w, h))
	return feed(m, src.fakeSource, 40), src
}

// openMetrics presses m and runs the read it starts.
func openMetrics(t *testing.T, m Model) Model {
	t.Helper()
	m, cmd := step(m, keyMsg("m"))
	if cmd == nil {
		t.Fatal("m started no read")
	}
	m, _ = step(m, cmd())
	return m
}

func TestGoldenMetricsPanel(t *testing.T) {
	m, _ := metricsModel(t, 120, 40)
	m = openMetrics(t, m)
	v := m.View()
	checkFrame(t, v, 120, 40)
	golden(t, "metrics_120x40", v)

	m, _ = metricsModel(t, 80, 24)
	m = openMetrics(t, m)
	v = m.View()
	checkFrame(t, v, 80, 24)
	golden(t, "metrics_80x24", v)
}

// Without a metrics plugin the panel still shows the request rates and
// says that metrics are off; it reads nothing.
func TestGoldenMetricsOff(t *testing.T) {
	src := newFakeSource()
	m := feed(testModel(t, src, 80, 24), src, 40)
	m, cmd := step(m, keyMsg("m"))
	if cmd != nil {
		t.Fatal("the panel started a read without a metrics plugin")
	}
	v := m.View()
	checkFrame(t, v, 80, 24)
	golden(t, "metrics_off_80x24", v)
	if !strings.Contains(v, "metrics off") {
		t.Fatalf("no \"metrics off\":\n%s", v)
	}
}

// The panel reads once when opened, then once per tick while it stays
// open; a read that arrives after it closed (or from an earlier opening)
// starts no further read.
func TestMetricsPanelReadLoop(t *testing.T) {
	m, src := metricsModel(t, 120, 40)
	if src.reads != 0 {
		t.Fatalf("%d reads before the panel opened", src.reads)
	}
	m, first := step(m, keyMsg("m"))
	m, next := step(m, first())
	if next == nil {
		t.Fatal("a read while open did not re-arm")
	}
	stale := next() // the tick of this opening
	m = press(m, "m")
	if m.detail.kind != detailNone {
		t.Fatal("m did not close the panel")
	}
	if _, cmd := step(m, stale); cmd != nil {
		t.Fatal("a read after closing re-armed")
	}
	m, again := step(m, keyMsg("m")) // reopened: the old chain's read is ignored
	if _, cmd := step(m, stale); cmd != nil {
		t.Fatal("a read of an earlier opening re-armed")
	}
	m, _ = step(m, again())
	if src.reads != 3 || !strings.Contains(m.View(), "app_orders_total") {
		t.Fatalf("reads %d, view:\n%s", src.reads, m.View())
	}
	// esc closes it like any detail, and m also opens it from another detail
	m = press(m, "esc", "1", "enter", "m")
	if m.detail.kind != detailMetrics {
		t.Fatalf("m from a worker detail: detail kind %d", m.detail.kind)
	}
}

func TestMetricsPanelReadError(t *testing.T) {
	m, src := metricsModel(t, 120, 40)
	src.err = errors.New("collect: boom")
	m = openMetrics(t, m)
	if v := m.View(); !strings.Contains(v, "read failed: collect: boom") {
		t.Fatalf("no error shown:\n%s", v)
	}
}

func TestStatusRates(t *testing.T) {
	var s statusRates
	if s.perSecond(t0, 10*time.Second) != [len(statusClasses)]float64{} {
		t.Fatal("rates before any record")
	}
	var recs []access.Record
	// 20 s of traffic: each second 10×200, 2×404, 1×503 and, every other second, one 302
	for sec := 20; sec >= 1; sec-- {
		at := t0.Add(-time.Duration(sec) * time.Second)
		for i, st := range []int{200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 404, 404, 503} {
			recs = append(recs, access.Record{Time: at.Add(time.Duration(i) * time.Millisecond), Status: st, Duration: time.Millisecond})
		}
		if sec%2 == 0 {
			recs = append(recs, access.Record{Time: at, Status: 302})
		}
	}
	recs = append(recs, access.Record{Time: t0, Status: 0}) // current second: not counted yet
	s.add(recs)
	got := s.perSecond(t0, 10*time.Second)
	want := [len(statusClasses)]float64{10, 0.5, 2, 1, 0}
	if got != want {
		t.Fatalf("rates %v, want %v", got, want)
	}
	if sr := s.series(1, t0, 4); sr[0] != 1 || sr[1] != 0 || sr[2] != 1 || sr[3] != 0 {
		t.Fatalf("3xx series %v", sr)
	}
	if got := s.perSecond(t0.Add(time.Second), 10*time.Second); got[4] != 0.1 {
		t.Fatalf("the record without a status: %v", got)
	}
	// records older than the kept history do not overwrite newer buckets
	s.add([]access.Record{{Time: t0.Add(-statusSeconds * time.Second), Status: 500}})
	if got := s.perSecond(t0, 10*time.Second); got != want {
		t.Fatalf("after an old record: %v", got)
	}
}

func TestStatusRatesShortHistory(t *testing.T) {
	// 3 s of 4 requests a second: not diluted by the 10 s window
	var s statusRates
	for sec := 3; sec >= 1; sec-- {
		for range 4 {
			s.add([]access.Record{{Time: t0.Add(-time.Duration(sec) * time.Second), Status: 200}})
		}
	}
	if got := s.perSecond(t0, 10*time.Second)[0]; got != 4 {
		t.Fatalf("2xx over 3 s of history = %v, want 4", got)
	}
}
