package tui

import (
	"fmt"
	"time"

	"github.com/phprun/phprun/httpfront/access"
)

// requestsPane shows the access records, newest at the bottom.
type requestsPane struct {
	skipped uint64 // records the access ring overwrote before a poll read them
	store[access.Record]
}

func newRequestsPane(maxRecs int) requestsPane {
	return requestsPane{store: newStore[access.Record](maxRecs)}
}

func (p *requestsPane) setFilter(f filter) { p.applyFilter(f, f.matchRequest) }

func (p *requestsPane) columns() []column {
	if p.w >= 100 {
		return layoutColumns([]column{
			{title: "TIME", width: 12},
			{title: "STS", width: 3},
			{title: "METHOD", width: 7},
			{title: "PATH", flex: true},
			{title: "DURATION", width: 8, right: true},
			{title: "PID", width: 7, right: true},
		}, p.w)
	}
	return layoutColumns([]column{
		{title: "TIME", width: 8},
		{title: "STS", width: 3},
		{title: "METHOD", width: 6},
		{title: "PATH", flex: true},
		{title: "DUR", width: 7, right: true},
		{title: "PID", width: 7, right: true}, // kept: failed requests name their worker here
	}, p.w)
}

func (p *requestsPane) view(st styles, focused bool, slow time.Duration) string {
	cols := p.columns()
	lines, done := p.head(st, streamHead{num: 2, name: "Requests", focused: focused,
		lost: p.skipped, lostWord: "skipped", cols: cols,
		empty: "  waiting for requests…", noMatch: "  no request matches the filter"})
	if done {
		return padLines(lines, p.h)
	}
	wide := p.w >= 100
	rows, first := p.visible()
	for k, r := range rows {
		i := first + k
		tf := "15:04:05"
		if wide {
			tf = "15:04:05.000"
		}
		at := r.Time.Format(tf)
		status := "ERR"
		if r.Status > 0 {
			status = fmt.Sprint(r.Status)
		}
		method := r.Method
		path := r.Path
		if r.Query != "" {
			path += "?" + r.Query
		}
		path = oneLine(path)
		dur := fmtDuration(r.Duration)
		ds := st.plain
		switch {
		case r.Duration > 2*slow:
			ds = st.bad
		case r.Duration > slow:
			ds = st.warn
		}
		pid := "-"
		if r.PID > 0 {
			pid = fmt.Sprint(r.PID)
		}
		cells := []cell{{at, st.dim}, {status, st.status(r.Status)}, {method, st.plain}, {path, st.plain},
			{dur, ds}, {pid, st.dim}}
		lines = append(lines, tableRow(st, cols, cells, i == p.list.sel, focused))
	}
	return padLines(lines, p.h)
}
