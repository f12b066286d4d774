package tui

import (
	"fmt"
	"time"

	"github.com/phprun/phprun/engine"
)

// rssSamples is how many stats ticks back the RSS trend looks (5 s at 250 ms).
const rssSamples = 20

// workerRow is one worker of the latest snapshot with its pool name.
type workerRow struct {
	pool string
	engine.WorkerInfo
}

// rssHistory remembers a worker's recent RSS samples in a small ring.
type rssHistory struct {
	samples [rssSamples]uint64
	n       int // samples written so far
}

func (h *rssHistory) add(v uint64) { h.samples[h.n%rssSamples] = v; h.n++ }

// trend is +1 when RSS grew over the kept samples by more than 1% (and
// 256 KiB), -1 when it shrank as much, else 0.
func (h *rssHistory) trend() int {
	if h.n < 2 {
		return 0
	}
	cur := h.samples[(h.n-1)%rssSamples]
	old := h.samples[0]
	if h.n > rssSamples {
		old = h.samples[h.n%rssSamples]
	}
	margin := max(old/100, 256<<10)
	switch {
	case cur > old+margin:
		return 1
	case cur+margin < old:
		return -1
	}
	return 0
}

// workersPane lists the workers of every pool.
type workersPane struct {
	w, h  int
	rows  []workerRow
	pools int // number of pools; the pool column shows when > 1
	rss   map[int]*rssHistory
	leak  string // the route flagged by the leak hint, "" if none
	list  list
}

func newWorkersPane() workersPane { return workersPane{rss: map[int]*rssHistory{}} }

// SetSize sets the pane's outer size (title line included).
func (p *workersPane) SetSize(w, h int) {
	p.w, p.h = w, h
	p.list.height = max(h-2, 0)
	p.list.clamp(len(p.rows))
}

// setStats replaces the rows with a new snapshot, keeping the selected PID
// selected and sampling RSS for the trend.
func (p *workersPane) setStats(stats []engine.Stats) {
	selPID := 0
	if r, ok := p.selected(); ok {
		selPID = r.PID
	}
	p.rows = make([]workerRow, 0, len(p.rows))
	p.pools = len(stats)
	seen := make(map[int]bool, len(p.rss))
	for _, s := range stats {
		for _, w := range s.Workers {
			p.rows = append(p.rows, workerRow{pool: s.Pool, WorkerInfo: w})
			h := p.rss[w.PID]
			if h == nil {
				h = &rssHistory{}
				p.rss[w.PID] = h
			}
			h.add(w.RSS)
			seen[w.PID] = true
		}
	}
	for pid := range p.rss {
		if !seen[pid] {
			delete(p.rss, pid)
		}
	}
	for i, r := range p.rows {
		if r.PID == selPID {
			p.list.sel = i
		}
	}
	p.list.clamp(len(p.rows))
}

func (p *workersPane) selected() (workerRow, bool) {
	if p.list.sel < len(p.rows) {
		return p.rows[p.list.sel], true
	}
	return workerRow{}, false
}

func (p *workersPane) find(pid int) (workerRow, bool) {
	for _, r := range p.rows {
		if r.PID == pid {
			return r, true
		}
	}
	return workerRow{}, false
}

func (p *workersPane) columns() []column {
	wide := p.w >= 100
	var cols []column
	if p.pools > 1 && wide {
		cols = append(cols, column{title: "POOL", width: 8})
	}
	cols = append(cols, column{title: "PID", width: 7, right: true})
	if wide {
		cols = append(cols, column{title: "STATE", width: 18})
	} else {
		cols = append(cols, column{title: "STATE", width: 9})
	}
	cols = append(cols,
		column{title: "EXECS", width: 6, right: true},
		column{title: "RSS ", width: 8, right: true})
	if wide {
		cols = append(cols, column{title: "AGE", width: 6, right: true})
	}
	cols = append(cols,
		column{title: "REQUEST", flex: true},
		column{title: "ELAPSED", width: 7, right: true})
	return layoutColumns(cols, p.w)
}

// view renders the pane. slow colours running requests.
func (p *workersPane) view(st styles, now time.Time, focused bool, slow time.Duration) string {
	busy := 0
	for _, r := range p.rows {
		if r.State == engine.StateWorking {
			busy++
		}
	}
	extra := st.dim.Render(fmt.Sprintf("%d · %d busy", len(p.rows), busy))
	if p.leak != "" {
		extra += " " + st.warn.Render("· leak? "+p.leak)
	}
	lines := []string{paneTitle(st, 1, "Workers", extra, focused, p.w)}
	if p.h < 2 {
		return padLines(lines, p.h)
	}
	cols := p.columns()
	lines = append(lines, headerRow(st, cols))
	from, to := p.list.window(len(p.rows))
	if len(p.rows) == 0 {
		lines = append(lines, st.dim.Render("  no workers yet"))
	}
	wide := p.w >= 100
	for i := from; i < to; i++ {
		r := p.rows[i]
		glyph, gs := st.stateGlyph(r.State)
		state := r.State.String()
		if !wide {
			state = shortState(r.State)
		}
		rss, rp := "- ", st.plain
		if r.RSS > 0 {
			rss = fmtBytes(r.RSS) + " "
		}
		if h := p.rss[r.PID]; h != nil && r.RSS > 0 {
			switch h.trend() {
			case 1:
				rss, rp = fmtBytes(r.RSS)+"↑", st.warn
			case -1:
				rss, rp = fmtBytes(r.RSS)+"↓", st.ok
			}
		}
		job, elapsed, es := "", "", st.plain
		if !r.JobStart.IsZero() {
			job = oneLine(r.Job.Kind + " " + r.Job.Name)
			d := now.Sub(r.JobStart)
			elapsed = fmtDuration(d)
			switch {
			case d > 2*slow:
				es = st.bad
			case d > slow:
				es = st.warn
			}
		}
		var cells []cell
		if p.pools > 1 && wide {
			cells = append(cells, cell{r.pool, st.dim})
		}
		cells = append(cells, cell{fmt.Sprint(r.PID), st.plain}, cell{glyph + " " + state, gs},
			cell{fmt.Sprint(r.NumExecs), st.plain}, cell{rss, rp})
		if wide {
			cells = append(cells, cell{fmtAge(now.Sub(r.Created)), st.dim})
		}
		cells = append(cells, cell{job, st.plain}, cell{elapsed, es})
		lines = append(lines, tableRow(st, cols, cells, i == p.list.sel, focused))
	}
	return padLines(lines, p.h)
}

// shortState abbreviates a state for narrow terminals.
func shortState(s engine.State) string {
	switch s {
	case engine.StateReady:
		return "idle"
	case engine.StateWorking:
		return "busy"
	case engine.StateMaxJobsReached, engine.StateIdleTTLReached, engine.StateTTLReached,
		engine.StateMaxMemoryReached:
		return "limit"
	case engine.StateExecTTLReached:
		return "timeout"
	}
	return s.String()
}
