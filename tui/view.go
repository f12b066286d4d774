package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// full reports whether the terminal is big enough for all panes at once.
func (m *Model) full() bool { return m.width >= fullWidth && m.height >= fullHeight }

func (m *Model) tooSmall() bool { return m.width < minWidth || m.height < minHeight }

// layout gives every pane its size. Called at the end of each Update, as
// the header's height depends on the banner and the workers pane's on the
// number of workers.
func (m *Model) layout() {
	w, h := m.width, m.height
	if m.tooSmall() {
		return
	}
	m.header.SetSize(w)
	body := h - m.header.height(m.st) - 1 // footer
	m.help.Width = w
	if m.full() {
		wh := min(max(len(m.workers.rows)+2, 4), body/3)
		sh := 0
		if m.hasSvcs {
			sh = min(len(m.services.rows)+2, body/4)
		}
		m.services.SetSize(w, sh)
		rest := body - wh - sh
		jh := 0
		if m.jobsSrc != nil { // pipelines, their header and title, and a few finished jobs
			jh = min(len(m.jobs.pipes)+6, rest*35/100)
			rest -= jh
		}
		rh := rest * 55 / 100
		m.workers.SetSize(w, wh)
		m.requests.SetSize(w, rh)
		m.jobs.SetSize(w, jh)
		m.logs.SetSize(w, rest-rh)
	} else {
		body-- // tab bar
		m.workers.SetSize(w, body)
		m.requests.SetSize(w, body)
		m.logs.SetSize(w, body)
		m.services.SetSize(w, body)
		m.jobs.SetSize(w, body)
	}
	m.detail.SetSize(w, max(body, 1))
}

// View renders the whole screen: header, banner, panes (or the detail, or
// the full help), footer. It reads the model and nothing else.
func (m Model) View() string {
	if m.width == 0 || m.height == 0 {
		return "" // no size yet: the first WindowSizeMsg comes right away
	}
	if m.tooSmall() {
		return m.tooSmallView()
	}
	var parts []string
	parts = append(parts, m.header.view(m.st))
	for _, l := range m.header.bannerLines(m.st) {
		parts = append(parts, fit(l, m.width))
	}
	bodyH := m.detail.h
	switch {
	case m.showHelp:
		if !m.full() {
			parts = append(parts, m.tabs())
		}
		parts = append(parts, m.fullHelp(bodyH))
	case m.detail.kind != detailNone:
		if !m.full() {
			parts = append(parts, m.tabs())
		}
		parts = append(parts, m.detail.view(m.st, m.now, m.opts.Slow, &m.logs))
	case m.full():
		parts = append(parts, m.workers.view(m.st, m.now, m.focus == paneWorkers, m.opts.Slow))
		if m.hasSvcs {
			parts = append(parts, m.services.view(m.st, m.now, m.focus == paneServices))
		}
		parts = append(parts, m.requests.view(m.st, m.focus == paneRequests, m.opts.Slow))
		if m.jobsSrc != nil {
			parts = append(parts, m.jobs.view(m.st, m.focus == paneJobs))
		}
		parts = append(parts, m.logs.view(m.st, m.focus == paneLogs))
	default:
		parts = append(parts, m.tabs())
		switch m.focus {
		case paneWorkers:
			parts = append(parts, m.workers.view(m.st, m.now, true, m.opts.Slow))
		case paneRequests:
			parts = append(parts, m.requests.view(m.st, true, m.opts.Slow))
		case paneServices:
			parts = append(parts, m.services.view(m.st, m.now, true))
		case paneJobs:
			parts = append(parts, m.jobs.view(m.st, true))
		default:
			parts = append(parts, m.logs.view(m.st, true))
		}
	}
	parts = append(parts, m.footer())
	return strings.Join(parts, "\n")
}

// tabs is the pane switcher shown when only one pane fits.
func (m *Model) tabs() string {
	names := [paneCount]string{"1 Workers", "2 Requests", "3 Logs", "4 Services", "5 Jobs"}
	var out []string
	for _, p := range m.visiblePanes() {
		n := names[p]
		if p == m.focus {
			out = append(out, m.st.focused.Render("["+n+"]"))
		} else {
			out = append(out, m.st.dim.Render(" "+n+" "))
		}
	}
	return fit(strings.Join(out, " "), m.width)
}

func (m *Model) fullHelp(h int) string {
	lines := []string{m.st.focused.Render("─ Keys") + m.st.dim.Render(" (? or esc to close)"), ""}
	// the full help lists every binding, not only those enabled right now
	all := newKeyMap()
	lines = append(lines, strings.Split(m.help.FullHelpView(all.FullHelp()), "\n")...)
	lines = append(lines, "",
		m.st.bold.Render("Filter (/)")+m.st.dim.Render(" — terms separated by spaces, all must match, !term negates:"),
		"  404 or status:404   4xx   GET or method:get   /api or path:/api   pid:1234",
		"",
		m.st.bold.Render("Glyphs")+m.st.dim.Render(" — ")+"○ ready  ● working  ◌ stopping/limit  ■ stopped  ✗ errored   RSS ↑ growing ↓ shrinking")
	for i, l := range lines {
		lines[i] = fit(l, m.width)
	}
	return padLines(lines, h)
}

// footer is the prompt of the current mode, or the command result and the
// help bar generated from the enabled key bindings.
func (m *Model) footer() string {
	switch {
	case m.mode == modeConfirm:
		return fit(m.st.warn.Render("Reset all workers (rolling reload, no request fails)? ")+
			m.help.ShortHelpView(m.keys.ShortHelp()), m.width)
	case m.mode == modeFilter:
		what := "requests"
		if m.focus == paneLogs {
			what = "logs"
		}
		hint := m.st.dim.Render("  filter " + what + " · ")
		line := m.input.view(m.st, "path 404 5xx POST !/health pid:123")
		return fit(line+hint+m.help.ShortHelpView(m.keys.ShortHelp()), m.width)
	}
	var left string
	if m.draining {
		left = m.st.warn.Render("draining: finishing in-flight requests… ctrl+c again to force") + "  "
	} else if m.toast != "" && m.now.Sub(m.toastAt) < toastFor {
		if m.toastBad {
			left = m.st.bad.Render(m.toast) + "  "
		} else {
			left = m.st.ok.Render(m.toast) + "  "
		}
	}
	h := m.help
	h.Width = max(m.width-ansi.StringWidth(left), 0)
	return fit(left+h.ShortHelpView(m.keys.ShortHelp()), m.width)
}

func (m *Model) tooSmallView() string {
	msg := []string{
		"Terminal too small",
		fmt.Sprintf("%d×%d, need at least %d×%d", m.width, m.height, minWidth, minHeight),
		"q to quit",
	}
	top := max((m.height-len(msg))/2, 0)
	lines := make([]string, 0, m.height)
	for range top {
		lines = append(lines, "")
	}
	for i, l := range msg {
		l = ansi.Truncate(l, m.width, "…")
		pad := max((m.width-ansi.StringWidth(l))/2, 0)
		s := strings.Repeat(" ", pad) + l
		if i == 0 {
			s = strings.Repeat(" ", pad) + m.st.warn.Render(l)
		}
		lines = append(lines, s)
	}
	for len(lines) < m.height {
		lines = append(lines, "")
	}
	return strings.Join(lines[:m.height], "\n")
}
