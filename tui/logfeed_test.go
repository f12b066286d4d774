package tui

import (
	"strings"
	"testing"
	"time"

	"github.com/phprun/phprun/engine"
)

// TestLogRecordsReachLogsPane: phprun's own records come through the
// Source's log channel, not the engine's events, and land among the
// events' rows in time order, with their level and source.
func TestLogRecordsReachLogsPane(t *testing.T) {
	src := newFakeSource()
	m := testModel(t, src, 120, 40)
	src.events <- engine.Event{Time: t0, Kind: engine.EventWorkerOutput, Pool: "http", PID: 7, Message: "before"}
	src.events <- engine.Event{Time: t0.Add(2 * time.Second), Kind: engine.EventWorkerOutput, Pool: "http", PID: 7, Message: "after"}
	src.logs.Add(LogRecord{Time: t0.Add(time.Second), Level: "warn", Message: "from phprun\nsecond line"})
	m, _ = step(m, waitEvents(src.Events(), src.Logs(), 0)())
	var got []string
	for _, l := range m.logs.items {
		got = append(got, l.level+" "+l.source+" "+l.text)
	}
	want := []string{"out http before", "warn phprun from phprun", "warn phprun second line", "out http after"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("rows %q, want %q", got, want)
	}
	if v := m.View(); !strings.Contains(v, "WRN") || !strings.Contains(v, "from phprun") {
		t.Fatalf("record not shown:\n%s", v)
	}
}

// TestLogFeedNeverWaits: a full feed drops and counts instead of blocking
// the goroutine that logs.
func TestLogFeedNeverWaits(t *testing.T) {
	f := NewLogFeed(1)
	f.Add(LogRecord{Message: "kept"})
	f.Add(LogRecord{Message: "dropped"})
	if f.Dropped() != 1 || len(f.C()) != 1 || (<-f.C()).Message != "kept" {
		t.Fatalf("dropped %d, buffered %d", f.Dropped(), len(f.C()))
	}
}

// TestEventRowsUseDescribe: each event's log row starts with the text the
// JSON log uses as its message (engine.Event.Describe), details after.
func TestEventRowsUseDescribe(t *testing.T) {
	for kind := engine.EventWorkerSpawned; kind <= engine.EventLog+1; kind++ {
		e := engine.Event{Kind: kind, Pool: "http", Reason: "why", Count: 2, Duration: time.Second, Message: "a line"}
		rows := eventLines(e)
		if len(rows) == 0 || !strings.HasPrefix(rows[0].text, e.Describe()) {
			t.Errorf("%v: rows %+v do not start with %q", kind, rows, e.Describe())
		}
	}
	e := engine.Event{Kind: engine.EventLimitReached, Reason: "max_jobs 10"}
	if got := eventLines(e)[0].text; got != "worker limit reached: max_jobs 10" {
		t.Errorf("limit row %q", got)
	}
}
