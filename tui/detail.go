package tui

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/phprun/phprun/httpfront/access"
)

type detailKind uint8

const (
	detailNone detailKind = iota
	detailWorker
	detailRequest
	detailLog
	detailMetrics // the metrics panel (metricspanel.go)
)

// detailPane shows everything known about one worker, request or log line
// in place of the panes. A worker's detail stays live: it looks the PID up
// in each new snapshot and falls back to the last one seen when it exited.
type detailPane struct {
	w, h   int
	kind   detailKind
	worker workerRow // last seen snapshot of the worker
	gone   bool      // the worker is no longer in the snapshot
	req    access.Record
	log    logLine
	top    int // first visible content line

	metrics metricsPanel // fed on every poll, shown as detailMetrics
}

// SetSize sets the pane's outer size (title line included).
func (p *detailPane) SetSize(w, h int) { p.w, p.h = w, h }

func (p *detailPane) open(kind detailKind) { p.kind, p.top, p.gone = kind, 0, false }

func (p *detailPane) close() { p.kind = detailNone }

// refresh follows the worker into a new snapshot.
func (p *detailPane) refresh(workers *workersPane) {
	if p.kind != detailWorker {
		return
	}
	if r, ok := workers.find(p.worker.PID); ok {
		p.worker, p.gone = r, false
	} else {
		p.gone = true
	}
}

func (p *detailPane) scroll(delta, n int) {
	p.top = min(max(p.top+delta, 0), max(n-(p.h-1), 0))
}

// content builds the detail's lines.
func (p *detailPane) content(st styles, now time.Time, slow time.Duration, logs *logsPane) []string {
	kv := func(k, v string) string { return st.dim.Render(fmt.Sprintf("%-12s", k)) + " " + v }
	var out []string
	switch p.kind {
	case detailWorker:
		w := p.worker
		glyph, gs := st.stateGlyph(w.State)
		state := gs.Render(glyph + " " + w.State.String())
		if p.gone {
			state = st.dim.Render("exited (last seen: " + w.State.String() + ")")
		}
		out = append(out,
			kv("PID", fmt.Sprint(w.PID)),
			kv("pool", w.pool),
			kv("state", state),
			kv("generation", fmt.Sprint(w.Generation)),
			kv("execs", fmt.Sprint(w.NumExecs)),
			kv("RSS", fmtBytes(w.RSS)),
			kv("CPU", fmt.Sprintf("%.1f%%", w.CPUPercent)),
			kv("started", w.Created.Format("15:04:05")+st.dim.Render(" ("+fmtAge(now.Sub(w.Created))+" ago)")))
		if !w.JobStart.IsZero() && !p.gone {
			d := now.Sub(w.JobStart)
			ds := st.plain
			if d > 2*slow {
				ds = st.bad
			} else if d > slow {
				ds = st.warn
			}
			out = append(out, kv("request", oneLine(w.Job.Kind+" "+w.Job.Name)), kv("elapsed", ds.Render(fmtDuration(d))))
		} else {
			out = append(out, kv("request", st.dim.Render("idle")))
		}
		out = append(out, "", st.bold.Render("recent output"))
		var lines []string
		for i := len(logs.items) - 1; i >= 0 && len(lines) < 50; i-- {
			if l := logs.items[i]; l.pid == w.PID {
				lines = append(lines, st.dim.Render(l.at.Format("15:04:05"))+" "+l.text)
			}
		}
		if len(lines) == 0 {
			out = append(out, st.dim.Render("none"))
		}
		for i := len(lines) - 1; i >= 0; i-- {
			out = append(out, lines[i])
		}
	case detailRequest:
		r := p.req
		out = append(out,
			kv("time", r.Time.Format("2006-01-02 15:04:05.000")),
			kv("request", r.Method+" "+oneLine(r.Path)),
			kv("query", oneLine(r.Query)),
			kv("proto", r.Proto),
			kv("remote", r.RemoteAddr),
			kv("status", st.status(r.Status).Render(fmt.Sprint(r.Status))),
			kv("bytes", fmt.Sprint(r.Bytes)),
			kv("duration", fmtDuration(r.Duration)),
			kv("queue wait", fmtDuration(r.QueueWait)),
			kv("worker", pidText(r.PID)))
		if r.Error != "" {
			out = append(out, kv("error", st.bad.Render(oneLine(r.Error))))
		}
		out = append(out, requestOutput(st, r, logs)...)
	case detailLog:
		l := p.log
		out = append(out,
			kv("time", l.at.Format("2006-01-02 15:04:05.000")),
			kv("level", l.level),
			kv("source", l.source),
			kv("worker", pidText(l.pid)),
			"")
		out = append(out, strings.Split(ansi.Wrap(l.text, max(p.w-2, 10), ""), "\n")...)
	case detailMetrics:
		out = p.metrics.lines(st, now, p.w-1)
	}
	return out
}

func pidText(pid int) string {
	if pid == 0 {
		return "-"
	}
	return fmt.Sprint(pid)
}

func (p *detailPane) title() string {
	switch p.kind {
	case detailWorker:
		return fmt.Sprintf("Worker %d", p.worker.PID)
	case detailRequest:
		return "Request " + p.req.Method + " " + oneLine(p.req.Path)
	case detailMetrics:
		return "Metrics"
	default:
		return "Log line"
	}
}

func (p *detailPane) view(st styles, now time.Time, slow time.Duration, logs *logsPane) string {
	lines := p.content(st, now, slow, logs)
	top := min(p.top, max(len(lines)-(p.h-1), 0))
	body := lines[min(top, len(lines)):]
	t := st.dim.Render("─ ") + st.focused.Render(p.title()) + " " + st.dim.Render("esc back")
	if sw := width(t); sw+2 <= p.w {
		t += " " + st.dim.Render(strings.Repeat("─", p.w-sw-1))
	}
	out := []string{fit(t, p.w)}
	for _, l := range body {
		out = append(out, fit(" "+l, p.w))
	}
	return padLines(out, p.h)
}
