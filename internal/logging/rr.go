package logging

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"sync"
)

// RoadRunner's logs.err_output, logs.line_ending and logs.channels.

// lineEndingWriter replaces the "\n" that ends each record (slog handlers
// write one record per Write) with logs.line_ending.
type lineEndingWriter struct {
	w      io.Writer
	ending []byte
	mu     sync.Mutex // guards buf
	buf    []byte
}

func (l *lineEndingWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf = append(append(l.buf[:0], bytes.TrimSuffix(p, []byte("\n"))...), l.ending...)
	if _, err := l.w.Write(l.buf); err != nil {
		return 0, err
	}
	return len(p), nil
}

// withLineEnding wraps w unless the ending is the usual "\n".
func withLineEnding(w io.Writer, ending string) io.Writer {
	if ending == "" || ending == "\n" {
		return w
	}
	return &lineEndingWriter{w: w, ending: []byte(ending)}
}

// openLogOutput opens "stderr", "stdout" or a file for appending.
func openOutput(name string, stdout, stderr io.Writer) (io.Writer, func() error, error) {
	switch name {
	case "", "stderr":
		return stderr, func() error { return nil }, nil
	case "stdout":
		return stdout, func() error { return nil }, nil
	}
	f, err := os.OpenFile(name, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, nil, err
	}
	return f, f.Close, nil
}

// splitHandler sends error-level records to errs (logs.err_output) and
// the rest to main.
type splitHandler struct{ main, errs slog.Handler }

func (h splitHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.main.Enabled(ctx, l) || h.errs.Enabled(ctx, l)
}

func (h splitHandler) Handle(ctx context.Context, r slog.Record) error {
	if r.Level >= slog.LevelError {
		return h.errs.Handle(ctx, r)
	}
	return h.main.Handle(ctx, r)
}

func (h splitHandler) WithAttrs(a []slog.Attr) slog.Handler {
	return splitHandler{h.main.WithAttrs(a), h.errs.WithAttrs(a)}
}

func (h splitHandler) WithGroup(n string) slog.Handler {
	return splitHandler{h.main.WithGroup(n), h.errs.WithGroup(n)}
}

// levelHandler lets through records at min or above; the handler below is
// built with the lowest level any channel wants.
type levelHandler struct {
	min  slog.Level
	off  bool
	next slog.Handler
}

func (h levelHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return !h.off && l >= h.min && h.next.Enabled(ctx, l)
}

func (h levelHandler) Handle(ctx context.Context, r slog.Record) error {
	if h.off || r.Level < h.min {
		return nil
	}
	return h.next.Handle(ctx, r)
}

func (h levelHandler) WithAttrs(a []slog.Attr) slog.Handler {
	return levelHandler{h.min, h.off, h.next.WithAttrs(a)}
}

func (h levelHandler) WithGroup(n string) slog.Handler {
	return levelHandler{h.min, h.off, h.next.WithGroup(n)}
}

// lowestLevel is the lowest of logs.level and every channel's level, which
// the shared handler must let through.
func lowestLevel(cfg Config, level slog.Level) slog.Level {
	for _, ch := range cfg.Channels {
		if l, err := ParseLevel(ch.Level); err == nil && ch.Level != "" && l < level {
			level = l
		}
	}
	return level
}

// ChannelLogger returns the logger of one part of phprun, named as
// RoadRunner names its plugins (http, server, rpc, status): base filtered
// at the channel's level and mode when logs.channels has it, else at
// logs.level. base is a logger from New (or any other).
func ChannelLogger(base *slog.Logger, cfg Config, name string) *slog.Logger {
	level, _ := ParseLevel(cfg.Level)
	off := false
	if ch, ok := cfg.Channels[name]; ok {
		if l, err := ParseLevel(ch.Level); err == nil && ch.Level != "" {
			level = l
		}
		off = ch.Mode == "off" || ch.Mode == "none"
	}
	next := base.Handler()
	if lh, ok := next.(levelHandler); ok {
		next = lh.next // New's root filter; the channel sets its own
	}
	return slog.New(levelHandler{min: level, off: off, next: next})
}
