package logging

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/phprun/phprun/engine"
)

func TestLogEventJSON(t *testing.T) {
	var buf bytes.Buffer
	log, _, err := New(Config{Mode: "production", Level: "info", Encoding: "json", Output: "stderr"}, nil, &buf)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	logEvent(log, engine.Event{Time: at, Kind: engine.EventWorkerOutput, Pool: "http", PID: 42, Generation: 1, Message: "PHP Warning: x"})
	logEvent(log, engine.Event{Time: at, Kind: engine.EventWorkerSpawned, Pool: "http", PID: 42}) // debug: filtered
	logEvent(log, engine.Event{Time: at, Kind: engine.EventReloadFailed, Pool: "http", Message: "parse error"})
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("got %d lines, want 2 (spawned is debug):\n%s", len(lines), buf.String())
	}
	var rec map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &rec); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"time": "2026-01-02T03:04:05Z", "level": "INFO", "msg": "PHP Warning: x",
		"event": "worker.output", "pool": "http", "pid": float64(42), "generation": float64(1)}
	for k, v := range want {
		if rec[k] != v {
			t.Errorf("%s = %v, want %v (line %s)", k, rec[k], v, lines[0])
		}
	}
	if !strings.Contains(lines[1], `"level":"ERROR","msg":"reload failed"`) || !strings.Contains(lines[1], `"error":"parse error"`) {
		t.Errorf("reload failed line = %s", lines[1])
	}
}

func TestConsoleHandler(t *testing.T) {
	var buf bytes.Buffer
	log, _, err := New(Config{Mode: "development", Level: "debug", Encoding: "console", Output: "stdout"}, &buf, nil)
	if err != nil {
		t.Fatal(err)
	}
	log.With("pool", "http").Debug("worker ready", "pid", 7, "note", "two words", "empty", "")
	got := buf.String()
	if !strings.HasSuffix(got, ` DEBUG worker ready pool=http pid=7 note="two words" empty=""`+"\n") {
		t.Errorf("console line = %q", got)
	}
	if _, err := time.Parse("15:04:05.000", got[:12]); err != nil {
		t.Errorf("console line does not start with a time: %q", got)
	}
}

func TestLogsOff(t *testing.T) {
	var buf bytes.Buffer
	log, _, err := New(Config{Mode: "off", Level: "debug", Encoding: "json", Output: "stderr"}, &buf, &buf)
	if err != nil {
		t.Fatal(err)
	}
	log.Error("boom")
	if buf.Len() != 0 {
		t.Errorf("logs.mode off still wrote %q", buf.String())
	}
}

// record is what a Sink received.
type record struct{ level, msg string }

func TestSinkHandler(t *testing.T) {
	var got []record
	log := slog.New(NewSinkHandler(slog.LevelInfo, func(_ time.Time, level, msg string) { got = append(got, record{level, msg}) }))
	log.Debug("hidden")
	log.Warn("careful", "n", 3)
	if len(got) != 1 || got[0] != (record{"warn", "careful n=3"}) {
		t.Errorf("records = %+v, want the warning only", got)
	}
}

// TestTextHandlersAttrsAndGroups checks that attributes added with
// WithAttrs and keys under WithGroup reach both text renderings: console
// lines and the dashboard's log records.
func TestTextHandlersAttrsAndGroups(t *testing.T) {
	var buf bytes.Buffer
	console := slog.New(newConsoleHandler(&buf, slog.LevelInfo)).With("pool", "http").WithGroup("req")
	console.Info("served", "status", 200, "path", "/a b")

	var rec record
	slog.New(NewSinkHandler(slog.LevelInfo, func(_ time.Time, level, msg string) { rec = record{level, msg} })).
		With("pool", "http").WithGroup("req").Info("served", "status", 200, "path", "/a b")

	const want = `served pool=http req.status=200 req.path="/a b"`
	if !strings.Contains(buf.String(), want) {
		t.Errorf("console line %q does not contain %q", buf.String(), want)
	}
	if rec != (record{"info", want}) {
		t.Errorf("sink record = %+v, want message %q at info", rec, want)
	}
}
