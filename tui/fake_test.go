package tui

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/phprun/phprun/engine"
	"github.com/phprun/phprun/httpfront/access"
)

// fakeSource is a Source over synthetic data and a real access.Ring.
type fakeSource struct {
	mu       sync.Mutex
	stats    []engine.Stats
	ring     *access.Ring
	events   chan engine.Event
	logs     *LogFeed
	resets   []int // PIDs passed to ResetWorker
	resetAll int
	drains   int
	drainErr error
	resetErr error
	boot     time.Duration // Info().Boot; 0 in the golden views
	noPHP    bool          // Info().PHPVersion is "" (not learned yet); guarded by mu
}

func newFakeSource() *fakeSource {
	return &fakeSource{ring: access.NewRing(512), events: make(chan engine.Event, 64), logs: NewLogFeed(64)}
}

func (f *fakeSource) Stats() []engine.Stats {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]engine.Stats(nil), f.stats...)
}

func (f *fakeSource) Events() <-chan engine.Event { return f.events }

func (f *fakeSource) Logs() <-chan LogRecord { return f.logs.C() }

func (f *fakeSource) Requests(since uint64, dst []access.Record) ([]access.Record, uint64) {
	return f.ring.Since(since, dst)
}

func (f *fakeSource) ResetWorker(pid int) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.resets = append(f.resets, pid)
	return f.resetErr
}

func (f *fakeSource) ResetAll() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.resetAll++
	return f.resetErr
}

func (f *fakeSource) Drain() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.drains++
	return f.drainErr
}

func (f *fakeSource) Info() Info {
	f.mu.Lock()
	defer f.mu.Unlock()
	php := "8.2.29"
	if f.noPHP {
		php = ""
	}
	return Info{URL: "http://127.0.0.1:8080", Version: "0.1.0", PHPVersion: php, Watch: "inotify", Mode: "dev", Boot: f.boot}
}

var errFake = errors.New("fake: worker not found")

// t0 is the fixed clock of every golden view.
var t0 = time.Date(2026, 11, 21, 14, 30, 0, 0, time.UTC)

// sampleStats is one pool of six workers in every interesting state.
func sampleStats(now time.Time, execs uint64) []engine.Stats {
	mb := uint64(1 << 20)
	return []engine.Stats{{
		Pool: "http", Generation: 2, Queue: 1, Execs: execs,
		Workers: []engine.WorkerInfo{
			{PID: 4101, State: engine.StateReady, Generation: 2, NumExecs: 120, RSS: 24 * mb, Created: now.Add(-5 * time.Minute)},
			{PID: 4102, State: engine.StateWorking, Generation: 2, NumExecs: 98, RSS: 26 * mb, Created: now.Add(-5 * time.Minute),
				JobStart: now.Add(-40 * time.Millisecond), Job: engine.Tag{Kind: "GET", Name: "/api/users"}},
			{PID: 4103, State: engine.StateWorking, Generation: 2, NumExecs: 77, RSS: 31 * mb, Created: now.Add(-4 * time.Minute),
				JobStart: now.Add(-1500 * time.Millisecond), Job: engine.Tag{Kind: "POST", Name: "/upload"}},
			{PID: 4104, State: engine.StateWorking, Generation: 2, NumExecs: 12, RSS: 40 * mb, Created: now.Add(-3 * time.Minute),
				JobStart: now.Add(-3 * time.Second), Job: engine.Tag{Kind: "GET", Name: "/report/yearly"}},
			{PID: 4105, State: engine.StateMaxMemoryReached, Generation: 2, NumExecs: 300, RSS: 130 * mb, Created: now.Add(-2 * time.Hour)},
			{PID: 4106, State: engine.StateErrored, Generation: 1, NumExecs: 3, RSS: 0, Created: now.Add(-20 * time.Second)},
		},
	}}
}

// sampleRecords returns n access records ending at now.
func sampleRecords(now time.Time, n int) []access.Record {
	paths := []string{"/", "/api/users", "/api/users/42", "/login", "/static/app.js", "/report/yearly"}
	methods := []string{"GET", "GET", "POST", "GET", "DELETE", "PUT"}
	statuses := []int{200, 200, 201, 302, 404, 500, 200, 503}
	var out []access.Record
	for i := range n {
		out = append(out, access.Record{
			Time:     now.Add(-time.Duration(n-i) * 150 * time.Millisecond),
			Method:   methods[i%len(methods)],
			Path:     paths[i%len(paths)],
			Status:   statuses[i%len(statuses)],
			Duration: time.Duration(1+i*7%40) * time.Millisecond * time.Duration(1+i%3),
			PID:      4101 + i%4,
			Bytes:    int64(100 * i),
		})
	}
	return out
}

func sampleEvents(now time.Time) []engine.Event {
	at := func(s int) time.Time { return now.Add(-time.Duration(s) * time.Second) }
	evs := []engine.Event{
		{Time: at(29), Kind: engine.EventWorkerSpawned, Pool: "http", PID: 4101},
		{Time: at(12), Kind: engine.EventReloadStarted, Pool: "http", Reason: "3 files changed"},
		{Time: at(11), Kind: engine.EventReloadDone, Pool: "http", Count: 6, Duration: 182 * time.Millisecond, Reason: "3 files changed"},
		{Time: at(8), Kind: engine.EventWorkerOutput, Pool: "http", PID: 4102, Message: "PHP Notice:  Undefined variable $x in /app/src/Home.php on line 12"},
		{Time: at(6), Kind: engine.EventLimitReached, Pool: "http", PID: 4105, Reason: "max_worker_memory 128MB"},
		{Time: at(5), Kind: engine.EventWorkerStopped, Pool: "http", PID: 4106, Reason: "exit status 255"},
	}
	for i := range 3 {
		evs = append(evs, engine.Event{Time: at(2 - i), Kind: engine.EventWorkerOutput, Pool: "http", PID: 4103,
			Message: fmt.Sprintf("[debug] upload chunk %d received", i+1)})
	}
	return evs
}

// sampleLogs are phprun's own records that go with sampleEvents.
func sampleLogs(now time.Time) []LogRecord {
	at := func(s int) time.Time { return now.Add(-time.Duration(s) * time.Second) }
	return []LogRecord{
		{Time: at(30), Level: "info", Message: "phprun listening on http://127.0.0.1:8080"},
		{Time: at(3), Level: "warn", Message: "slow request GET /report/yearly (3s)"},
	}
}
