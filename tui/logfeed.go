package tui

import (
	"sync/atomic"
	"time"
)

// LogRecord is one record of phprun's own log, shown in the logs pane.
type LogRecord struct {
	Time    time.Time
	Level   string // "debug", "info", "warn", "error"
	Message string // the message with its attributes as key=value
}

// LogFeed carries phprun's log records to the dashboard while it owns the
// terminal: main's slog handler adds to it (logging.NewSinkHandler), the
// Source hands its channel to the dashboard (Source.Logs). Add never
// waits: a record that finds the buffer full is dropped and counted, as
// the engine's bus does with events, so logging never stalls on a busy
// screen. The channel is never closed (a late record must not panic); the
// dashboard stops reading it when its event channel closes.
type LogFeed struct {
	c       chan LogRecord
	dropped atomic.Uint64
}

// NewLogFeed returns a feed with room for size records.
func NewLogFeed(size int) *LogFeed {
	return &LogFeed{c: make(chan LogRecord, max(size, 1))}
}

// Add queues r for the dashboard, or drops it if the buffer is full.
func (f *LogFeed) Add(r LogRecord) {
	select {
	case f.c <- r:
	default:
		f.dropped.Add(1)
	}
}

// C is the channel the dashboard reads.
func (f *LogFeed) C() <-chan LogRecord { return f.c }

// Dropped reports how many records found the buffer full.
func (f *LogFeed) Dropped() uint64 { return f.dropped.Load() }
