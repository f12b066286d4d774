package main

import (
	"log/slog"

	"github.com/phprun/phprun/engine"
	"github.com/phprun/phprun/internal/logging"
)

// eventLog writes the engine's events as log lines in headless mode (the
// dashboard shows them itself). Events reach it through a subscription, so
// a record phprun logs directly can overtake events published before it:
// the startup summary could come before the "worker ready" line of the
// worker it reports. flush writes out every event published so far first.
type eventLog struct {
	log     *slog.Logger
	sub     *engine.Subscription
	flushes chan chan struct{} // flush requests, answered by closing the channel
	done    chan struct{}      // closed when run returns
}

func newEventLog(log *slog.Logger, sub *engine.Subscription) *eventLog {
	return &eventLog{log: log, sub: sub, flushes: make(chan chan struct{}), done: make(chan struct{})}
}

// run logs events until the subscription is closed. It is the only reader
// of the subscription, so an event it has received is written before it
// answers a flush.
func (l *eventLog) run() {
	defer close(l.done)
	for {
		select {
		case e, ok := <-l.sub.C:
			if !ok {
				return
			}
			logging.LogEvent(l.log, e)
		case reply := <-l.flushes:
			l.drain()
			close(reply)
		}
	}
}

// drain writes the events already waiting in the subscription. run is its
// only reader, so a buffer that holds events cannot empty under it.
func (l *eventLog) drain() {
	for len(l.sub.C) > 0 {
		logging.LogEvent(l.log, <-l.sub.C)
	}
}

// flush returns once every event published before the call is written
// (or the log has stopped).
func (l *eventLog) flush() {
	reply := make(chan struct{})
	select {
	case l.flushes <- reply:
		<-reply
	case <-l.done:
	}
}
