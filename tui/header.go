package tui

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/phprun/phprun/engine"
)

// reloadStatus is what the header says about the last reload.
type reloadStatus struct {
	running bool
	trigger string    // the engine events' Reason: "3 files changed", "key R", "rpc", …
	pools   []string  // pools this reload has covered so far (one reload may span http and jobs)
	at      time.Time // when the last reload finished
	done    bool      // a reload finished (ok or failed)
	failed  bool
	workers int           // summed over the pools
	took    time.Duration // likewise
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

// event updates the reload status from reload events. Main reloads every
// pool for one trigger, one after the other with the same reason, so a
// Started that repeats the reason of a reload that just succeeded, for a
// pool it has not covered yet, continues it: the header then reads
// "3 files changed → 6 workers reloaded" for the whole, not per pool.
func (h *headerPane) event(e engine.Event) {
	switch e.Kind {
	case engine.EventReloadStarted:
		prev := h.reload
		if prev.done && !prev.failed && prev.trigger == e.Reason && !slices.Contains(prev.pools, e.Pool) {
			h.reload.running = true
			h.reload.pools = append(prev.pools, e.Pool)
			return
		}
		h.reload = reloadStatus{running: true, trigger: e.Reason, pools: []string{e.Pool}}
	case engine.EventReloadDone:
		r := &h.reload
		r.running, r.done, r.at = false, true, e.Time
		r.workers += e.Count
		r.took += e.Duration
		h.reloadErr = ""
	case engine.EventReloadFailed:
		r := &h.reload
		r.running, r.done, r.failed, r.at, r.took = false, true, true, e.Time, e.Duration
		if r.trigger == "" {
			r.trigger = e.Reason
		}
		h.reloadErr = strings.TrimSpace(e.Message)
		if h.reloadErr == "" {
			h.reloadErr = "the new workers could not boot (no output)"
		}
	}
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
	// mode, watch, kv, metrics and boot time come last and only while they
	// fit (narrow terminals)
	var extras []string
	if h.info.Mode != "" {
		extras = append(extras, h.info.Mode)
	}
	if h.info.Watch != "" {
		extras = append(extras, "watch "+h.info.Watch)
	}
	if h.info.KV != "" {
		extras = append(extras, "kv "+h.info.KV)
	}
	if h.info.Metrics != "" {
		extras = append(extras, "metrics "+h.info.Metrics)
	}
	if h.info.Boot > 0 {
		extras = append(extras, st.dim.Render("booted in ")+fmtDuration(h.info.Boot))
	}
	for _, extra := range extras {
		if !wide && ansi.StringWidth(strings.Join(append(id, extra), sep)) > h.w {
			break
		}
		id = append(id, extra)
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
