package tui

import (
	"fmt"
	"time"
)

// jobsPane shows the pipelines (selectable: p pauses or resumes one) and,
// below them, the last finished jobs.
type jobsPane struct {
	w, h     int
	pipes    []Pipeline
	finished []FinishedJob // newest first
	list     list          // over pipes
}

// SetSize sets the pane's outer size (title line included).
func (p *jobsPane) SetSize(w, h int) {
	p.w, p.h = w, h
	p.list.height = max(len(p.pipes), 1)
	p.list.clamp(len(p.pipes))
}

// set replaces the snapshot, keeping the selected pipeline selected.
func (p *jobsPane) set(pipes []Pipeline, finished []FinishedJob) {
	sel, ok := p.selected()
	p.pipes, p.finished = pipes, finished
	for i, pl := range pipes {
		if ok && pl.Name == sel.Name {
			p.list.sel = i
		}
	}
	p.list.height = max(len(p.pipes), 1)
	p.list.clamp(len(p.pipes))
}

func (p *jobsPane) selected() (Pipeline, bool) {
	if p.list.sel < len(p.pipes) {
		return p.pipes[p.list.sel], true
	}
	return Pipeline{}, false
}

func (p *jobsPane) pipeColumns() []column {
	return layoutColumns([]column{
		{title: "PIPELINE", flex: true},
		{title: "DRIVER", width: 7},
		{title: "STATE", width: 10},
		{title: "QUEUED", width: 7, right: true},
		{title: "DELAYED", width: 7, right: true},
		{title: "RUNNING", width: 7, right: true},
		{title: "PRIO", width: 4, right: true},
	}, p.w)
}

func (p *jobsPane) jobColumns() []column {
	cols := []column{{title: "TIME", width: 8}, {title: "OUTCOME", width: 7}, {title: "PIPELINE", width: 10},
		{title: "JOB", flex: true}}
	if p.w >= 100 {
		cols = append(cols, column{title: "ID", width: 36})
	}
	cols = append(cols, column{title: "DURATION", width: 8, right: true}, column{title: "PID", width: 7, right: true})
	return layoutColumns(cols, p.w)
}

func (p *jobsPane) view(st styles, focused bool) string {
	var queued, running int64
	for _, pl := range p.pipes {
		queued += pl.Queued
		running += pl.Running
	}
	lines := []string{paneTitle(st, 5, "Jobs", st.dim.Render(fmt.Sprintf("%d pipelines · %d queued · %d running", len(p.pipes), queued, running)), focused, p.w)}
	if p.h < 2 {
		return padLines(lines, p.h)
	}
	cols := p.pipeColumns()
	lines = append(lines, headerRow(st, cols))
	if len(p.pipes) == 0 {
		lines = append(lines, st.dim.Render("  no pipelines"))
	}
	for i, pl := range p.pipes {
		state, sp := "paused", st.warn
		if pl.Consuming {
			state, sp = "consuming", st.ok
		}
		if pl.Error != "" {
			state, sp = "error", st.bad
		}
		cells := []cell{{pl.Name, st.plain}, {pl.Driver, st.dim}, {state, sp}, {fmt.Sprint(pl.Queued), st.plain},
			{fmt.Sprint(pl.Delayed), st.plain}, {fmt.Sprint(pl.Running), st.plain}, {fmt.Sprint(pl.Priority), st.dim}}
		lines = append(lines, tableRow(st, cols, cells, i == p.list.sel, focused))
	}
	jcols := p.jobColumns()
	lines = append(lines, headerRow(st, jcols))
	if len(p.finished) == 0 {
		lines = append(lines, st.dim.Render("  no job finished yet"))
	}
	for _, f := range p.finished {
		if len(lines) >= p.h {
			break
		}
		os := st.ok
		switch f.Outcome {
		case "failed":
			os = st.bad
		case "nack", "requeue":
			os = st.warn
		}
		pid := "-"
		if f.PID > 0 {
			pid = fmt.Sprint(f.PID)
		}
		cells := []cell{{f.Time.Format(time.TimeOnly), st.dim}, {f.Outcome, os}, {f.Pipeline, st.plain}, {oneLine(f.Name), st.plain}}
		if p.w >= 100 {
			cells = append(cells, cell{f.ID, st.dim})
		}
		cells = append(cells, cell{fmtDuration(f.Duration), st.plain}, cell{pid, st.dim})
		lines = append(lines, tableRow(st, jcols, cells, false, false))
	}
	return padLines(lines, p.h)
}
