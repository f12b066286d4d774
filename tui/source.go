package tui

import (
	"errors"
	"time"

	"github.com/phprun/phprun/engine"
	"github.com/phprun/phprun/httpfront/access"
)

// Source is everything the dashboard reads from and commands in the
// running server. Main implements it over the real engine; tests implement
// it with synthetic data. The dashboard never calls a Source method from
// Update: every call runs inside a tea.Cmd (its own goroutine) and its result
// comes back as a message, so a slow Source can never freeze the screen.
type Source interface {
	// Stats returns a snapshot of every pool. Polled every 250 ms.
	Stats() []engine.Stats
	// Events delivers the engine's events: lifecycle, worker stderr lines
	// (EventWorkerOutput) and the engine's own warnings (EventLog). The
	// dashboard drains it in batches; main closes it (Bus.Unsubscribe)
	// after Run returns, which also ends the reading of Logs. See
	// docs/dashboard.md for the reload contract.
	Events() <-chan engine.Event
	// Logs delivers phprun's own log records (a LogFeed's channel; nil
	// if there are none). It is never closed.
	Logs() <-chan LogRecord
	// Requests appends to dst the access records added after sequence
	// number since and returns the next sequence number, as
	// access.Ring.Since does. Polled with Stats.
	Requests(since uint64, dst []access.Record) ([]access.Record, uint64)
	// ResetWorker gracefully replaces the worker with this PID.
	ResetWorker(pid int) error
	// ResetAll reloads every pool (rolling: no request fails).
	ResetAll() error
	// Drain shuts the server down gracefully: stop accepting, finish
	// in-flight requests, stop the workers. The dashboard calls it once,
	// when the user quits, and keeps showing live stats until it returns.
	Drain() error
	// Info returns the facts shown in the header. It is read again with
	// every stats poll, so a fact learned after start (phprun learns the
	// PHP version once the workers are up) appears when it is known.
	Info() Info
}

// DropCounter is optionally implemented by a Source whose event or log
// channel can lose entries when the dashboard falls behind (as an
// engine.Subscription and a LogFeed do: Dropped). The logs pane then says
// how many are missing instead of silently skipping them.
type DropCounter interface {
	EventsDropped() uint64
}

// Info holds the static facts of the header. Empty fields are not shown.
type Info struct {
	URL        string // where the server listens, e.g. "http://127.0.0.1:8080"; made a clickable OSC 8 link
	Version    string // phprun version
	PHPVersion string // e.g. "8.2.7"
	Watch      string // how files are watched, e.g. "fsnotify · 23 files", "poll 1s (forced by watch.poll) · 23 files"; "" = not watching
	Mode       string // "dev" or "serve"
	KV         string // kv storages, e.g. "cache (memory), shared (redis)"; "" = no kv section
	Metrics    string // the Prometheus scrape URL; "" = no metrics section
	Debug      bool   // `phprun dev --debug`: the header says DEBUG
	// Boot is how long phprun took from process start to serving (the
	// boot_ms of `phprun serve`'s log); 0 = not shown. It is the figure a
	// user waits for on every `phprun dev`, so the header keeps it in view.
	Boot time.Duration
}

// ErrForced is returned by Run when the user pressed ctrl+c a second time
// while the graceful drain was still running: main should stop the workers
// at once.
var ErrForced = errors.New("tui: forced quit")

// Options tune the dashboard. The zero value is usable.
type Options struct {
	// Now is the clock; nil means time.Now. Tests inject a fixed clock so
	// views are deterministic.
	Now func() time.Time
	// NoColor renders without colours (Run sets it when NO_COLOR is set).
	NoColor bool
	// NoHyperlink prints the address as plain text instead of an OSC 8 link.
	NoHyperlink bool
	// Mouse enables mouse capture (wheel scrolling). Off by default so the
	// terminal's own text selection keeps working.
	Mouse bool
	// Slow is the elapsed time after which a running request is shown in
	// yellow; past twice Slow it is red. Default 1s.
	Slow time.Duration
	// Window is the span of the req/s, p50 and p99 figures. Default 10s.
	Window time.Duration
	// MaxRequests and MaxLogs bound the rows kept in memory. Default 2000.
	MaxRequests int
	MaxLogs     int
}

func (o Options) withDefaults() Options {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Slow <= 0 {
		o.Slow = time.Second
	}
	if o.Window <= 0 {
		o.Window = 10 * time.Second
	}
	if o.MaxRequests <= 0 {
		o.MaxRequests = 2000
	}
	if o.MaxLogs <= 0 {
		o.MaxLogs = 2000
	}
	return o
}
