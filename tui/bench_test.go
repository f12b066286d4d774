package tui

import (
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/muesli/termenv"

	"github.com/phprun/phprun/engine"
	"github.com/phprun/phprun/httpfront/access"
)

// benchModel is a busy dashboard: 32 workers, a full requests pane and
// a full logs pane, with colours.
func benchModel(b *testing.B) (Model, []engine.Stats, []access.Record) {
	src := newFakeSource()
	m := newModel(src, Options{Now: func() time.Time { return t0 }}, termenv.ANSI256)
	m, _ = step(m, tea.WindowSizeMsg{Width: 160, Height: 50})
	stats := sampleStats(t0, 1000)
	for i := range 26 {
		w := stats[0].Workers[i%6]
		w.PID = 5000 + i
		stats[0].Workers = append(stats[0].Workers, w)
	}
	recs := sampleRecords(t0, 2000)
	m, _ = step(m, pollMsg{at: t0, stats: stats, recs: recs, next: 2000})
	var evs []engine.Event
	for range 200 {
		evs = append(evs, sampleEvents(t0)...)
	}
	m, _ = step(m, eventsMsg{events: evs, logs: sampleLogs(t0)})
	return m, stats, recs
}

// BenchmarkView is one repaint of a 160×50 dashboard.
func BenchmarkView(b *testing.B) {
	m, _, _ := benchModel(b)
	b.ReportAllocs()
	for b.Loop() {
		_ = m.View()
	}
}

// BenchmarkPoll is one stats tick bringing 100 new requests (400 req/s).
func BenchmarkPoll(b *testing.B) {
	m, stats, recs := benchModel(b)
	b.ReportAllocs()
	for b.Loop() {
		m, _ = step(m, pollMsg{at: t0, stats: stats, recs: recs[:100]})
	}
}

// BenchmarkEvents is one full batch of worker output.
func BenchmarkEvents(b *testing.B) {
	m, _, _ := benchModel(b)
	batch := make([]engine.Event, eventBatchMax)
	for i := range batch {
		batch[i] = engine.Event{Time: t0, Kind: engine.EventWorkerOutput, PID: 5000, Message: "PHP Warning: something"}
	}
	b.ReportAllocs()
	for b.Loop() {
		m, _ = step(m, eventsMsg{events: batch})
	}
}
