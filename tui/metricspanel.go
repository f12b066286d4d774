package tui

import (
	"fmt"
	"strconv"
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// metricsMsg carries one read of the app metrics for the open panel.
type metricsMsg struct {
	gen  int // the panel opening that asked for it
	at   time.Time
	fams []AppMetric
	err  error
}

// metricsPanel is the detail view the m key opens: requests per second by
// status class, from the access records, and the app's own collectors
// with their current values, read through a MetricsSource.
type metricsPanel struct {
	rates  statusRates
	window time.Duration // span of the rates (Options.Window)
	src    MetricsSource // nil when the server runs no metrics plugin
	gen    int           // bumped at each opening, so that an older read loop stops
	fams   []AppMetric
	err    error
	at     time.Time // when fams was read; zero before the first read
}

// opened starts a new read loop: the first read now, then one per
// metricsInterval while the panel stays open (Update re-arms it).
func (p *metricsPanel) opened(now func() time.Time) tea.Cmd {
	p.gen++
	p.fams, p.err, p.at = nil, nil, time.Time{}
	return p.readCmd(0, now)
}

// readCmd reads the app metrics after delay, off the Update goroutine.
func (p *metricsPanel) readCmd(delay time.Duration, now func() time.Time) tea.Cmd {
	src, gen := p.src, p.gen
	if src == nil {
		return nil
	}
	read := func(time.Time) tea.Msg {
		fams, err := src.AppMetrics()
		return metricsMsg{gen: gen, at: now(), fams: fams, err: err}
	}
	if delay <= 0 {
		return func() tea.Msg { return read(time.Time{}) }
	}
	return tea.Tick(delay, read)
}

// set takes a read; it reports whether it belongs to the current opening.
func (p *metricsPanel) set(msg metricsMsg) bool {
	if msg.gen != p.gen {
		return false
	}
	p.fams, p.err, p.at = msg.fams, msg.err, msg.at
	return true
}

func (p *metricsPanel) columns(w int) []column {
	return layoutColumns([]column{
		{title: "NAME", width: 28},
		{title: "TYPE", width: 9},
		{title: "LABELS", flex: true},
		{title: "VALUE", width: 18, right: true},
	}, w)
}

// lines renders the panel's content for width w.
func (p *metricsPanel) lines(st styles, now time.Time, w int) []string {
	window := p.window
	out := []string{st.bold.Render("Requests by status") + st.dim.Render(fmt.Sprintf("  per second, last %s, from the access records", window))}
	rates := p.rates.perSecond(now, window)
	spark := min(max(w-22, 0), sparkSeconds)
	total := 0.0
	for c, name := range statusClasses {
		total += rates[c]
		if name == "other" && rates[c] == 0 {
			continue
		}
		paint := st.plain
		switch name {
		case "2xx":
			paint = st.ok
		case "4xx":
			paint = st.warn
		case "5xx":
			paint = st.bad
		}
		out = append(out, fmt.Sprintf("  %s %8s  %s", paint.Render(fmt.Sprintf("%-5s", name)), fmtRate(rates[c]),
			st.dim.Render(sparkline(p.rates.series(c, now, spark)))))
	}
	out = append(out, fmt.Sprintf("  %-5s %8s", "all", fmtRate(total)), "")

	title := st.bold.Render("App metrics")
	switch {
	case p.src == nil:
		return append(out, title, st.dim.Render("  metrics off (the config has no metrics section)"))
	case p.at.IsZero():
		return append(out, title, st.dim.Render("  reading…"))
	case p.err != nil:
		return append(out, title, st.bad.Render("  read failed: "+oneLine(p.err.Error())))
	}
	out = append(out, title+st.dim.Render("  metrics.collect and metrics.Declare · read "+p.at.Format(time.TimeOnly)))
	if len(p.fams) == 0 {
		return append(out, st.dim.Render("  none declared"))
	}
	cols := p.columns(w)
	out = append(out, headerRow(st, cols))
	for _, f := range p.fams {
		cells := []cell{{f.Name, st.plain}, {f.Type, st.dim}}
		if len(f.Series) == 0 {
			out = append(out, tableRow(st, cols, append(cells, cell{"no series yet", st.dim}, cell{"-", st.dim}), false, false))
			continue
		}
		for i, s := range f.Series {
			if i == 1 {
				cells = []cell{{"", st.plain}, {"", st.plain}}
			}
			out = append(out, tableRow(st, cols, append(cells, cell{s.Labels, st.dim}, cell{seriesValue(f.Type, s), st.plain}), false, false))
		}
	}
	return out
}

// seriesValue is the value column: the number for counters and gauges,
// count and sum for histograms and summaries.
func seriesValue(typ string, s MetricSeries) string {
	switch typ {
	case "histogram", "summary":
		return fmt.Sprintf("n=%d sum=%s", s.Count, fmtFloat(s.Sum))
	}
	return fmtFloat(s.Value)
}

// fmtFloat prints a metric value in at most six significant digits.
func fmtFloat(v float64) string { return strconv.FormatFloat(v, 'g', 6, 64) }

// fmtRate prints a rate per second: "12.3/s", "0/s".
func fmtRate(v float64) string {
	if v == 0 {
		return "0/s"
	}
	return strconv.FormatFloat(v, 'f', 1, 64) + "/s"
}
