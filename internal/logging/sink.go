package logging

import (
	"context"
	"log/slog"
	"strings"
	"time"
)

// Sink receives one of phprun's own log records as text: its time, level
// ("debug", "info", "warn", "error") and message with the attributes
// appended as key=value, as the console shows them. It must not block:
// it runs on the goroutine that logs.
type Sink func(at time.Time, level, msg string)

// sinkHandler hands log records to a Sink, so that phprun's own messages
// reach the dashboard's log pane (through the dashboard's source, not the
// engine's event bus) while the dashboard owns the terminal.
type sinkHandler struct {
	sink  Sink
	level slog.Level
	textAttrs
}

// NewSinkHandler returns a handler passing records at level or above to sink.
func NewSinkHandler(level slog.Level, sink Sink) slog.Handler {
	return &sinkHandler{sink: sink, level: level}
}

func (h *sinkHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= h.level }

func (h *sinkHandler) Handle(_ context.Context, r slog.Record) error {
	var b strings.Builder
	b.WriteString(r.Message)
	h.writeAttrs(&b, r)
	h.sink(r.Time, levelName(r.Level), b.String())
	return nil
}

func (h *sinkHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	c := *h
	c.textAttrs = h.with(attrs)
	return &c
}

func (h *sinkHandler) WithGroup(name string) slog.Handler {
	c := *h
	c.textAttrs = h.withGroup(name)
	return &c
}
