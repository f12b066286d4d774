package main

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/phprun/phprun/engine"
)

// slowHandler records messages, taking a millisecond for each, so that
// the event log is still busy when the test looks.
type slowHandler struct {
	mu   *sync.Mutex
	msgs *[]string // guarded by mu
}

func (h slowHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h slowHandler) Handle(_ context.Context, r slog.Record) error {
	time.Sleep(time.Millisecond)
	h.mu.Lock()
	*h.msgs = append(*h.msgs, r.Message)
	h.mu.Unlock()
	return nil
}
func (h slowHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h slowHandler) WithGroup(string) slog.Handler      { return h }

// TestEventLogFlush: after flush, every event published before it is in
// the log, and a record logged next comes after them.
func TestEventLogFlush(t *testing.T) {
	var mu sync.Mutex
	var msgs []string
	log := slog.New(slowHandler{&mu, &msgs})
	bus := engine.NewBus()
	events := newEventLog(log, bus.Subscribe(256))
	go events.run()
	const n = 50
	for i := range n {
		bus.Publish(engine.Event{Kind: engine.EventWorkerReady, PID: 1000 + i})
	}
	events.flush()
	log.Info("phprun is serving")
	mu.Lock()
	got := append([]string(nil), msgs...)
	mu.Unlock()
	if len(got) != n+1 || got[n] != "phprun is serving" {
		t.Errorf("after flush: %d records, last %q; want the %d events, then the summary", len(got), got[len(got)-1], n)
	}
	bus.Unsubscribe(events.sub)
	<-events.done
	events.flush() // after the log stopped: returns at once
}
