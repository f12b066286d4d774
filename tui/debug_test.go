package tui

import (
	"strings"
	"testing"
	"time"

	"github.com/phprun/phprun/engine"
	"github.com/phprun/phprun/httpfront/access"
)

func TestHeaderSaysDebug(t *testing.T) {
	src := newFakeSource()
	m := feed(testModel(t, src, 80, 24), src, 5)
	if strings.Contains(m.View(), "DEBUG") {
		t.Fatal("DEBUG shown without debug mode")
	}
	m.header.info.Debug = true
	if first := strings.Split(m.View(), "\n")[0]; !strings.Contains(first, "DEBUG") {
		t.Fatalf("header line %q lacks DEBUG", first)
	}
}

// TestRequestDetailShowsItsOutput: var_dump output of the worker that
// served a request, printed while it did, appears in the request's detail;
// output of other workers or other times does not.
func TestRequestDetailShowsItsOutput(t *testing.T) {
	src := newFakeSource()
	m := testModel(t, src, 120, 40)
	at := t0.Add(-2 * time.Second)
	rec := access.Record{Time: at, Method: "GET", Path: "/debug", Status: 200, Duration: 300 * time.Millisecond, PID: 7001}
	src.ring.Add(&rec)
	recs, next := src.Requests(0, nil)
	m, _ = step(m, pollMsg{at: t0, stats: sampleStats(t0, 1), recs: recs, next: next})
	m, _ = step(m, eventsMsg{events: []engine.Event{
		{Time: at.Add(-time.Second), Kind: engine.EventWorkerOutput, Pool: "http", PID: 7001, Message: "before the request"},
		{Time: at.Add(300 * time.Millisecond), Kind: engine.EventWorkerOutput, Pool: "http", PID: 7001, Message: `string(6) "dumped"`},
		{Time: at.Add(100 * time.Millisecond), Kind: engine.EventWorkerOutput, Pool: "http", PID: 7002, Message: "another worker"},
	}})
	m = press(m, "2", "G", "enter")
	v := m.View()
	if !strings.Contains(v, "output (var_dump, dump(), stderr)") || !strings.Contains(v, `string(6) "dumped"`) {
		t.Fatalf("request detail lacks its output:\n%s", v)
	}
	if strings.Contains(v, "before the request") || strings.Contains(v, "another worker") {
		t.Fatalf("request detail shows output that is not its own:\n%s", v)
	}
}
