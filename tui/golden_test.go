package tui

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/lipgloss"

	"github.com/phprun/phprun/engine"
)

func lipglossWidth(s string) int { return lipgloss.Width(s) }

func TestGoldenFull120x40(t *testing.T) {
	src := newFakeSource()
	m := feed(testModel(t, src, 120, 40), src, 40)
	v := m.View()
	checkFrame(t, v, 120, 40)
	golden(t, "full_120x40", v)
}

func TestGoldenNarrow80x24(t *testing.T) {
	src := newFakeSource()
	m := feed(testModel(t, src, 80, 24), src, 40)
	v := m.View()
	checkFrame(t, v, 80, 24)
	golden(t, "narrow_80x24_requests", v)

	m = press(m, "1")
	v = m.View()
	checkFrame(t, v, 80, 24)
	golden(t, "narrow_80x24_workers", v)

	m = press(m, "3")
	golden(t, "narrow_80x24_logs", m.View())
}

func TestGoldenTooSmall(t *testing.T) {
	src := newFakeSource()
	m := feed(testModel(t, src, 50, 12), src, 5)
	v := m.View()
	checkFrame(t, v, 50, 12)
	golden(t, "too_small_50x12", v)
}

func TestGoldenBootErrorBanner(t *testing.T) {
	src := newFakeSource()
	m := feed(testModel(t, src, 120, 40), src, 10)
	m, _ = step(m, eventsMsg{events: []engine.Event{
		{Time: t0, Kind: engine.EventReloadStarted, Reason: "1 file changed: src/Home.php"},
		{Time: t0.Add(time.Second), Kind: engine.EventReloadFailed, Reason: "1 file changed: src/Home.php", Duration: 90 * time.Millisecond,
			Message: "PHP Parse error:  syntax error, unexpected token \"}\" in /app/src/Home.php on line 14\nStack trace:\n#0 {main}"},
	}})
	v := m.View()
	checkFrame(t, v, 120, 40)
	golden(t, "boot_error_120x40", v)
}

func TestGoldenDetailAndHelp(t *testing.T) {
	src := newFakeSource()
	m := feed(testModel(t, src, 120, 40), src, 20)
	m = press(m, "1", "j", "j", "enter") // third worker: the slow POST /upload
	golden(t, "detail_worker_120x40", m.View())
	m = press(m, "esc", "?")
	golden(t, "help_120x40", m.View())
}

// TestHeaderShowsBootTime: the header's first line says how long phprun
// took to serve when the terminal is wide enough for the details.
func TestHeaderShowsBootTime(t *testing.T) {
	src := newFakeSource()
	src.boot = 42 * time.Millisecond
	v := feed(testModel(t, src, 120, 40), src, 5).View()
	first, _, _ := strings.Cut(v, "\n")
	if !strings.Contains(first, "booted in 42ms") {
		t.Errorf("header line 1 at 120 columns = %q, want it to say \"booted in 42ms\"", first)
	}
	v = feed(testModel(t, src, 80, 24), src, 5).View()
	checkFrame(t, v, 80, 24)
}

// TestHeaderLearnsPHPVersion: a fact the Source learns after the dashboard
// started (phprun probes the PHP version once the workers are up) appears
// in the header with the next stats poll.
func TestHeaderLearnsPHPVersion(t *testing.T) {
	src := newFakeSource()
	src.noPHP = true
	m := testModel(t, src, 120, 40)
	m, _ = step(m, m.pollCmd(0)())
	if first, _, _ := strings.Cut(m.View(), "\n"); strings.Contains(first, "PHP") {
		t.Fatalf("header line 1 = %q before the version is known", first)
	}
	src.mu.Lock()
	src.noPHP = false
	src.mu.Unlock()
	m, _ = step(m, m.pollCmd(0)())
	if first, _, _ := strings.Cut(m.View(), "\n"); !strings.Contains(first, "PHP 8.2.29") {
		t.Errorf("header line 1 = %q after a poll, want it to say \"PHP 8.2.29\"", first)
	}
}
