package tui

import (
	"fmt"
	"time"
)

// ServiceSource is implemented by a Source whose server supervises
// services (the service section, dev sidecars). The dashboard then shows a
// Services pane; a Source without it shows none. Like every Source call,
// these run outside Update.
type ServiceSource interface {
	// Services returns one row per process of every service.
	Services() []ServiceInfo
	// ServiceCommand restarts, stops or starts the named service.
	ServiceCommand(name string, cmd ServiceCmd) error
}

// ServiceCmd is what a key asks of a service.
type ServiceCmd string

// The commands of the Services pane.
const (
	ServiceRestart ServiceCmd = "restart"
	ServiceStop    ServiceCmd = "stop"
	ServiceStart   ServiceCmd = "start"
)

// ServiceInfo is one process of a service as the pane shows it.
type ServiceInfo struct {
	Name     string
	Index    int    // process number within the service, from 0
	State    string // running, restarting, backoff, exited, failed, stopped
	Running  bool   // a process is alive (State running)
	PID      int
	Restarts int
	Started  time.Time
	Next     time.Time // next start, while restarting or backing off
	Exit     string    // how the last process ended
	CPU      float64
	RSS      uint64
	LastLine string
	LogName  string // the source its output lines carry in the logs pane
}

// serviceDoneMsg reports a service command.
type serviceDoneMsg struct {
	name string
	cmd  ServiceCmd
	err  error
}

// servicesPane lists the services and their processes.
type servicesPane struct {
	w, h int
	rows []ServiceInfo
	list list
}

// SetSize sets the pane's outer size (title line included).
func (p *servicesPane) SetSize(w, h int) {
	p.w, p.h = w, h
	p.list.height = max(h-2, 0)
	p.list.clamp(len(p.rows))
}

// setRows replaces the rows, keeping the selected service selected.
func (p *servicesPane) setRows(rows []ServiceInfo) {
	sel, ok := p.selected()
	p.rows = rows
	if ok {
		for i, r := range rows {
			if r.Name == sel.Name && r.Index == sel.Index {
				p.list.sel = i
			}
		}
	}
	p.list.clamp(len(p.rows))
}

func (p *servicesPane) selected() (ServiceInfo, bool) {
	if p.list.sel < len(p.rows) {
		return p.rows[p.list.sel], true
	}
	return ServiceInfo{}, false
}

func (p *servicesPane) columns() []column {
	cols := []column{{title: "SERVICE", width: 12}, {title: "STATE", width: 17}, {title: "PID", width: 7, right: true},
		{title: "↻", width: 3, right: true}, {title: "UP", width: 6, right: true}}
	if p.w >= 100 {
		cols = append(cols, column{title: "CPU", width: 5, right: true})
	}
	cols = append(cols, column{title: "RSS ", width: 7, right: true}, column{title: "LAST OUTPUT", flex: true})
	return layoutColumns(cols, p.w)
}

// view renders the pane.
func (p *servicesPane) view(st styles, now time.Time, focused bool) string {
	up := 0
	for _, r := range p.rows {
		if r.Running {
			up++
		}
	}
	lines := []string{paneTitle(st, 4, "Services", st.dim.Render(fmt.Sprintf("%d of %d running", up, len(p.rows))), focused, p.w)}
	if p.h < 2 {
		return padLines(lines, p.h)
	}
	cols := p.columns()
	lines = append(lines, headerRow(st, cols))
	if len(p.rows) == 0 {
		lines = append(lines, st.dim.Render("  no services"))
	}
	from, to := p.list.window(len(p.rows))
	for i := from; i < to; i++ {
		r := p.rows[i]
		name := r.Name
		if r.Index > 0 {
			name = fmt.Sprintf("%s#%d", r.Name, r.Index)
		}
		glyph, gs := serviceGlyph(st, r.State)
		state := r.State
		if !r.Next.IsZero() {
			state += " " + fmtAge(r.Next.Sub(now))
		} else if r.Exit != "" && !r.Running && r.State != "stopped" {
			state += ": " + r.Exit
		}
		pid, age, cpu, rss := "-", "-", "-", "- "
		if r.Running {
			pid, age = fmt.Sprint(r.PID), fmtAge(now.Sub(r.Started))
			cpu = fmt.Sprintf("%.0f%%", r.CPU)
			if r.RSS > 0 {
				rss = fmtBytes(r.RSS) + " "
			}
		}
		cells := []cell{{name, st.plain}, {glyph + " " + state, gs}, {pid, st.plain}, {fmt.Sprint(r.Restarts), st.plain}, {age, st.dim}}
		if p.w >= 100 {
			cells = append(cells, cell{cpu, st.plain})
		}
		cells = append(cells, cell{rss, st.plain}, cell{oneLine(r.LastLine), st.dim})
		lines = append(lines, tableRow(st, cols, cells, i == p.list.sel, focused))
	}
	return padLines(lines, p.h)
}

// serviceGlyph reads like the workers' glyphs: ○ running, ◌ waiting to
// restart, ✗ crash loop or failed, ■ exited or stopped.
func serviceGlyph(st styles, state string) (string, paint) {
	switch state {
	case "running":
		return "○", st.ok
	case "restarting":
		return "◌", st.info
	case "backoff", "failed":
		return "✗", st.bad
	}
	return "■", st.dim
}
