// Package logging is phprun's own log output: the `logs` section, a JSON
// or console slog handler on stderr, stdout or a file, the handler that
// sends records to the dashboard's event bus, and the log lines for engine
// events.
package logging

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/phprun/phprun/engine"
	"github.com/phprun/phprun/internal/fielderr"
)

// Config is the `logs` section (a subset of RoadRunner's).
type Config struct {
	// Mode is RoadRunner's logger mode; "off" or "none" silence phprun's
	// logs, any other value (development, production, raw) logs normally.
	// Default "production".
	Mode string `koanf:"mode"`
	// Level is the lowest level logged: debug, info, warn or error. Default "info".
	Level string `koanf:"level"`
	// Encoding is "json" (one object per line) or "console" (human-readable
	// text). Default "json". --log-format overrides it.
	Encoding string `koanf:"encoding"`
	// Output is where log lines go: "stderr" (default), "stdout" or a file
	// path (relative to the config file's directory, or to -w).
	Output string `koanf:"output"`
	// ErrOutput, when set, receives the error-level records instead of
	// Output: "stderr", "stdout" or a file path. Default "" (Output).
	ErrOutput string `koanf:"err_output"`
	// LineEnding ends every record. Default "\n".
	LineEnding string `koanf:"line_ending"`
	// Channels sets level and mode per part of phprun, keyed by
	// RoadRunner's plugin names: http, server, rpc, status. Default none.
	Channels map[string]Channel `koanf:"channels"`
}

// Channel is one entry of logs.channels: RoadRunner's per-plugin logger
// options. Level and mode are honoured; the other keys are accepted and
// the channel writes where the main logger does.
type Channel struct {
	// Mode "off" or "none" silences the channel. Default "" (logs.mode).
	Mode string `koanf:"mode"`
	// Level is the channel's lowest level. Default "" (logs.level).
	Level string `koanf:"level"`
	// Encoding, Output, ErrOutput and LineEnding are accepted for
	// RoadRunner configs; the channel uses the main logger's.
	Encoding   string `koanf:"encoding"`
	Output     string `koanf:"output"`
	ErrOutput  string `koanf:"err_output"`
	LineEnding string `koanf:"line_ending"`
}

// DefaultConfig returns the `logs` defaults.
func DefaultConfig() Config {
	return Config{Mode: "production", Level: "info", Encoding: "json", Output: "stderr", LineEnding: "\n"}
}

// Validate checks the logs section.
func (l Config) Validate() error {
	var errs []error
	if _, err := ParseLevel(l.Level); err != nil {
		errs = append(errs, fielderr.Wrap("logs.level", err))
	}
	switch l.Encoding {
	case "json", "console":
	default:
		errs = append(errs, fielderr.New("logs.encoding", "want json or console, got %q", l.Encoding))
	}
	switch l.Mode {
	case "development", "production", "raw", "off", "none":
	default:
		errs = append(errs, fielderr.New("logs.mode", "want development, production, raw, off or none, got %q", l.Mode))
	}
	if strings.TrimSpace(l.Output) == "" {
		errs = append(errs, fielderr.New("logs.output", "want stderr, stdout or a file path, got \"\""))
	}
	for name, ch := range l.Channels {
		if ch.Level != "" {
			if _, err := ParseLevel(ch.Level); err != nil {
				errs = append(errs, fielderr.Wrap("logs.channels."+name+".level", err))
			}
		}
		switch ch.Mode {
		case "", "development", "production", "raw", "off", "none":
		default:
			errs = append(errs, fielderr.New("logs.channels."+name+".mode", "want development, production, raw, off or none, got %q", ch.Mode))
		}
	}
	return errors.Join(errs...)
}

// ParseLevel accepts logs.level values; Validate and the logger both use
// it, so the two cannot disagree.
func ParseLevel(s string) (slog.Level, error) {
	switch strings.ToLower(s) {
	case "debug":
		return slog.LevelDebug, nil
	case "info":
		return slog.LevelInfo, nil
	case "warn", "warning":
		return slog.LevelWarn, nil
	case "error", "panic", "fatal":
		return slog.LevelError, nil
	}
	return 0, fmt.Errorf("want debug, info, warn or error, got %q", s)
}

// New builds phprun's logger from the logs section: JSON lines (one
// object per line, for log collectors) or console text (for people), on
// stderr, stdout or a file. The returned close function closes the file.
func New(cfg Config, stdout, stderr io.Writer) (*slog.Logger, func() error, error) {
	noop := func() error { return nil }
	if cfg.Mode == "off" || cfg.Mode == "none" {
		return slog.New(slog.DiscardHandler), noop, nil
	}
	rootLevel, err := ParseLevel(cfg.Level)
	if err != nil {
		return nil, nil, fmt.Errorf("logs.level: %w", err)
	}
	level := lowestLevel(cfg, rootLevel) // channels filter on top (rr.go)
	w, closeFn, err := openOutput(cfg.Output, stdout, stderr)
	if err != nil {
		return nil, nil, fmt.Errorf("logs.output: %w", err)
	}
	h := newHandler(cfg.Encoding, withLineEnding(w, cfg.LineEnding), level)
	if cfg.ErrOutput != "" && cfg.ErrOutput != cfg.Output {
		ew, closeErr, err := openOutput(cfg.ErrOutput, stdout, stderr)
		if err != nil {
			_ = closeFn()
			return nil, nil, fmt.Errorf("logs.err_output: %w", err)
		}
		h = splitHandler{main: h, errs: newHandler(cfg.Encoding, withLineEnding(ew, cfg.LineEnding), level)}
		closeMain := closeFn
		closeFn = func() error { return errors.Join(closeMain(), closeErr()) }
	}
	return slog.New(levelHandler{min: rootLevel, next: h}), closeFn, nil
}

// newHandler is the JSON or console handler on w.
func newHandler(encoding string, w io.Writer, level slog.Level) slog.Handler {
	if encoding == "console" {
		return newConsoleHandler(w, level)
	}
	return slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level})
}

// consoleHandler writes "15:04:05.000 INFO  message key=value" lines: the
// same records as JSON, easier on the eyes in a terminal.
type consoleHandler struct {
	mu    *sync.Mutex // guards w, shared by handlers derived with WithAttrs
	w     io.Writer
	level slog.Level
	textAttrs
}

func newConsoleHandler(w io.Writer, level slog.Level) *consoleHandler {
	return &consoleHandler{mu: &sync.Mutex{}, w: w, level: level}
}

func (h *consoleHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= h.level }

func (h *consoleHandler) Handle(_ context.Context, r slog.Record) error {
	var b strings.Builder
	b.WriteString(r.Time.Format("15:04:05.000"))
	fmt.Fprintf(&b, " %-5s %s", r.Level.String(), r.Message)
	h.writeAttrs(&b, r)
	b.WriteByte('\n')
	h.mu.Lock()
	defer h.mu.Unlock()
	_, err := io.WriteString(h.w, b.String())
	return err
}

func (h *consoleHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	c := *h
	c.textAttrs = h.with(attrs)
	return &c
}

func (h *consoleHandler) WithGroup(name string) slog.Handler {
	c := *h
	c.textAttrs = h.withGroup(name)
	return &c
}

// textAttrs renders attributes as " key=value" text; both text handlers
// (console lines and dashboard log events) share it.
type textAttrs struct {
	attrs string // pre-rendered attributes from WithAttrs
	group string // key prefix from WithGroup
}

func (t textAttrs) with(attrs []slog.Attr) textAttrs {
	var b strings.Builder
	for _, a := range attrs {
		writeAttr(&b, t.group, a)
	}
	t.attrs += b.String()
	return t
}

func (t textAttrs) withGroup(name string) textAttrs {
	t.group += name + "."
	return t
}

// writeAttrs appends the handler's and the record's attributes to b.
func (t textAttrs) writeAttrs(b *strings.Builder, r slog.Record) {
	b.WriteString(t.attrs)
	r.Attrs(func(a slog.Attr) bool {
		writeAttr(b, t.group, a)
		return true
	})
}

func writeAttr(b *strings.Builder, group string, a slog.Attr) {
	a.Value = a.Value.Resolve()
	if a.Equal(slog.Attr{}) {
		return
	}
	if a.Value.Kind() == slog.KindGroup {
		for _, g := range a.Value.Group() {
			writeAttr(b, group+a.Key+".", g)
		}
		return
	}
	v := a.Value.String()
	if strings.ContainsAny(v, " \"=\t\n") || v == "" {
		v = fmt.Sprintf("%q", v)
	}
	fmt.Fprintf(b, " %s%s=%s", group, a.Key, v)
}

// LogEvents turns engine events into log lines until sub is closed: worker
// lifecycle, worker stderr lines tagged with their PID, reloads.
func LogEvents(log *slog.Logger, sub *engine.Subscription) {
	for e := range sub.C {
		logEvent(log, e)
	}
}

// LogEvent writes one event as one log record, as LogEvents does for each.
func LogEvent(log *slog.Logger, e engine.Event) { logEvent(log, e) }

// logEvent writes one event as one log record.
func logEvent(log *slog.Logger, e engine.Event) {
	attrs := []any{"event", e.Kind.String(), "pool", e.Pool}
	if e.PID != 0 {
		attrs = append(attrs, "pid", e.PID)
	}
	if e.Generation != 0 {
		attrs = append(attrs, "generation", e.Generation)
	}
	if e.Reason != "" {
		attrs = append(attrs, "reason", e.Reason)
	}
	if e.Duration != 0 {
		attrs = append(attrs, "duration_ms", float64(e.Duration.Microseconds())/1000)
	}
	if e.Count != 0 {
		attrs = append(attrs, "count", e.Count)
	}
	level, msg := slog.LevelInfo, e.Describe()
	switch e.Kind {
	case engine.EventWorkerSpawned, engine.EventWorkerReady:
		level = slog.LevelDebug
	case engine.EventReloadFailed, engine.EventBootFailed:
		level = slog.LevelError
		attrs = append(attrs, "error", e.Message)
	case engine.EventLog:
		level, _ = ParseLevel(e.Level)
	case engine.EventWorkerOutput, engine.EventWorkerStopped, engine.EventLimitReached,
		engine.EventReloadStarted, engine.EventReloadDone:
		// info; the attributes above say the rest
	default: // a kind this package does not know yet
		if e.Message != "" {
			attrs = append(attrs, "message", e.Message)
		}
	}
	r := slog.NewRecord(eventTime(e), level, msg, 0)
	r.Add(attrs...)
	if log.Enabled(context.Background(), level) {
		_ = log.Handler().Handle(context.Background(), r)
	}
}

func eventTime(e engine.Event) time.Time {
	if e.Time.IsZero() {
		return time.Now()
	}
	return e.Time
}

func levelName(l slog.Level) string {
	switch {
	case l < slog.LevelInfo:
		return "debug"
	case l < slog.LevelWarn:
		return "info"
	case l < slog.LevelError:
		return "warn"
	}
	return "error"
}
