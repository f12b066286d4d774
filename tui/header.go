package tui

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/phprun/phprun/engine"
)

// reloadStatus is what the header says about the last reload.
type reloadStatus struct {
	running   bool
	trigger   string    // "3 files changed", "reset", …
	triggerAt time.Time // when main described the trigger (an informative ReloadStarted)
	trigID    int       // counts informative ReloadStarted events
	doneID    int       // trigID of the reload the last Done belonged to
	at        time.Time // when the last reload finished
	done      bool      // a reload finished (ok or failed)
	failed    bool
	workers   int
	took      time.Duration
}

// headerPane is the top of the screen: identity, load, latency, reload
// result, and the boot error banner.
type headerPane struct {
	w         int
	info      Info
	hyperlink bool
	busy      int
	idle      int
	total     int
	queue     int
	rate      float64
	spark     []float64
	p50, p99  time.Duration
	latency   bool // p50/p99 are known
	reload    reloadStatus
	reloadErr string // boot error of the last failed reload; cleared by a successful one
	bootErr   string // a pool's live crash-loop reason (Stats.BootError)
	draining  bool
}

// SetSize sets the header's width; its height follows from its content.
func (h *headerPane) SetSize(w int) { h.w = w }

// setStats takes the numbers of a stats tick.
func (h *headerPane) setStats(stats []engine.Stats) {
	h.busy, h.idle, h.total, h.queue, h.bootErr = 0, 0, 0, 0, ""
	for _, s := range stats {
		h.busy += s.Count(engine.StateWorking)
		h.idle += s.Count(engine.StateReady)
		h.total += len(s.Workers)
		h.queue += s.Queue
		if h.bootErr == "" {
			h.bootErr = s.BootError
		}
	}
}

// event updates the reload status from reload events.
func (h *headerPane) event(e engine.Event) {
	switch e.Kind {
	case engine.EventReloadStarted:
		h.reload.running = true
		if !h.redundantStart(e) {
			h.reload.trigger = changeSummary(e.Count, e.Reason)
			h.reload.triggerAt = e.Time
			h.reload.trigID++
			if e.Count == 0 && e.Reason == "" {
				h.reload.triggerAt = time.Time{}
			}
		}
	case engine.EventReloadDone:
		prev := h.reload
		h.reload = reloadStatus{trigger: prev.trigger, triggerAt: prev.triggerAt, trigID: prev.trigID,
			doneID: prev.trigID, at: e.Time, done: true, workers: e.Count, took: e.Duration}
		if prev.done && !prev.failed && prev.doneID == prev.trigID && !prev.triggerAt.IsZero() &&
			e.Time.Sub(prev.triggerAt) < triggerStick {
			// another pool of the same reload: report the whole
			h.reload.workers += prev.workers
			h.reload.took += prev.took
		}
		h.reloadErr = ""
	case engine.EventReloadFailed:
		h.reload = reloadStatus{trigger: h.reload.trigger, triggerAt: h.reload.triggerAt, trigID: h.reload.trigID,
			doneID: h.reload.trigID, at: e.Time, done: true, failed: true, took: e.Duration}
		h.reloadErr = strings.TrimSpace(e.Message)
		if h.reloadErr == "" {
			h.reloadErr = "the new workers could not boot (no output)"
		}
	}
}

// triggerStick is how long main's description of a reload ("3 files
// changed") covers the engine's own, anonymous ReloadStarted events (one
// per pool, right after main's).
const triggerStick = 5 * time.Second

// redundantStart reports whether e is the engine's anonymous
// ReloadStarted for a reload main already described.
func (h *headerPane) redundantStart(e engine.Event) bool {
	if e.Kind != engine.EventReloadStarted || e.Count != 0 || e.Reason != "" || e.Message != "" {
		return false
	}
	t := h.reload.triggerAt
	return !t.IsZero() && !e.Time.Before(t) && e.Time.Sub(t) < triggerStick
}

// banner is the boot error to keep on screen, if any.
func (h *headerPane) banner() string {
	if h.reloadErr != "" {
		return h.reloadErr
	}
	return strings.TrimSpace(h.bootErr)
}

const maxBannerLines = 6

// bannerLines renders the boot error banner (empty when all is well).
func (h *headerPane) bannerLines(st styles) []string {
	msg := h.banner()
	if msg == "" {
		return nil
	}
	lines := strings.Split(msg, "\n")
	more := 0
	if len(lines) > maxBannerLines {
		more = len(lines) - maxBannerLines
		lines = lines[:maxBannerLines]
	}
	out := []string{st.banner.Render("✗ boot error — the previous workers keep serving; fix and save to retry")}
	for _, l := range lines {
		out = append(out, st.bad.Render("│ ")+oneLine(l))
	}
	if more > 0 {
		out = append(out, st.bad.Render("│ ")+st.dim.Render(fmt.Sprintf("… %d more lines in the logs pane", more)))
	}
	return out
}

// height is how many lines view returns.
func (h *headerPane) height(st styles) int { return 3 + len(h.bannerLines(st)) }

func (h *headerPane) view(st styles) string {
	wide := h.w >= 100
	sep := st.dim.Render(" │ ")
	if !wide {
		sep = st.dim.Render(" · ")
	}
	// line 1: identity
	var id []string
	name := "phprun"
	if h.info.Version != "" {
		name += " " + h.info.Version
	}
	id = append(id, st.bold.Render(name))
	if h.info.PHPVersion != "" {
		id = append(id, "PHP "+h.info.PHPVersion)
	}
	if h.info.URL != "" {
		u := st.link.Render(h.info.URL)
		if h.hyperlink {
			u = ansi.SetHyperlink(h.info.URL) + u + ansi.ResetHyperlink()
		}
		id = append(id, u)
	}
	if h.info.Debug {
		id = append(id, st.bad.Render("DEBUG"))
	}
	if wide {
		if h.info.Mode != "" {
			id = append(id, h.info.Mode)
		}
		if h.info.Watch != "" {
			id = append(id, "watch "+h.info.Watch)
		}
		if h.info.Boot > 0 {
			id = append(id, st.dim.Render("booted in ")+fmtDuration(h.info.Boot))
		}
	}
	line1 := strings.Join(id, sep)
	if h.draining {
		line1 += "  " + st.warn.Render("draining… ctrl+c again to force")
	}

	// line 2: load
	barW := 20
	if !wide {
		barW = 10
	}
	lat := st.dim.Render("p50 –  p99 –")
	if h.latency {
		lat = st.dim.Render("p50 ") + st.bold.Render(fmtDuration(h.p50)) + st.dim.Render("  p99 ") + st.bold.Render(fmtDuration(h.p99))
	}
	rate := st.bold.Render(fmt.Sprintf("%.1f", h.rate)) + st.dim.Render(" req/s")
	queue := st.dim.Render("queue ") + st.bold.Render(fmt.Sprint(h.queue))
	if h.queue > 0 {
		queue = st.dim.Render("queue ") + st.warn.Render(fmt.Sprint(h.queue))
	}
	var workers string
	if wide {
		workers = st.dim.Render("workers ") + h.bar(st, barW) + " " +
			fmt.Sprintf("%s busy · %s idle · %s total", st.bold.Render(fmt.Sprint(h.busy)),
				st.bold.Render(fmt.Sprint(h.idle)), st.bold.Render(fmt.Sprint(h.total)))
	} else {
		workers = h.bar(st, barW) + " " + st.bold.Render(fmt.Sprintf("%d/%d", h.busy, h.total)) + st.dim.Render(" busy")
	}
	// the sparkline gets whatever width the rest of the line leaves
	sparkW := min(h.w-ansi.StringWidth(strings.Join([]string{workers, queue, rate, lat}, sep))-1, len(h.spark), 30)
	if sparkW >= 5 {
		rate += " " + st.info.Render(sparkline(h.spark[len(h.spark)-sparkW:]))
	}
	line2 := strings.Join([]string{workers, queue, rate, lat}, sep)

	// line 3: last reload
	line3 := st.dim.Render("reload ") + h.reloadText(st)
	return strings.Join([]string{fit(line1, h.w), fit(line2, h.w), fit(line3, h.w)}, "\n")
}

// bar draws busy, idle and other workers as a proportional bar. Busy and
// idle use different glyphs so the bar reads without colours too.
func (h *headerPane) bar(st styles, w int) string {
	if h.total == 0 {
		return st.dim.Render(strings.Repeat("░", w))
	}
	busy := (h.busy*w + h.total/2) / h.total
	idle := min((h.idle*w+h.total/2)/h.total, w-busy)
	if h.busy > 0 && busy == 0 {
		busy = 1
		idle = min(idle, w-1)
	}
	return st.barBusy.Render(strings.Repeat("█", busy)) + st.barIdle.Render(strings.Repeat("▒", idle)) +
		st.dim.Render(strings.Repeat("░", w-busy-idle))
}

func (h *headerPane) reloadText(st styles) string {
	r := h.reload
	trigger := r.trigger
	if trigger == "" {
		trigger = "reload"
	}
	switch {
	case r.running:
		return st.info.Render("⟳ " + trigger + " → reloading…")
	case !r.done:
		return st.dim.Render("none yet")
	case r.failed:
		return st.bad.Render("✗ "+r.at.Format("15:04:05")+"  "+trigger+" → boot failed") +
			st.dim.Render(", previous workers keep serving")
	default:
		return st.ok.Render("✓ ") + st.dim.Render(r.at.Format("15:04:05")) + "  " +
			fmt.Sprintf("%s → %s reloaded in %s", trigger, plural(r.workers, "worker"), fmtMillis(r.took))
	}
}
