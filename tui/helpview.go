package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
)

// This file is the full help (?): laid out for the terminal's width, and
// scrolled with the movement keys when it is still taller than the screen,
// so that every binding can be read even at the smallest size.

// helpColumnGap separates key groups laid out side by side.
const helpColumnGap = "    "

// helpLines is the full help for width w: the key groups side by side as
// far as they fit, the others in further bands below, then the filter
// syntax and the glyphs wrapped to w.
func (m *Model) helpLines(w int) []string {
	var lines []string
	// the full help lists every binding, not only those enabled right now
	groups := newKeyMap().FullHelp()
	var band []string
	bandW := 0
	flush := func() {
		if len(band) > 0 {
			lines = append(lines, band...)
			lines = append(lines, "")
		}
		band, bandW = nil, 0
	}
	for _, g := range groups {
		col := strings.Split(m.help.FullHelpView([][]key.Binding{g}), "\n")
		colW := 0
		for _, l := range col {
			colW = max(colW, ansi.StringWidth(l))
		}
		if bandW > 0 && bandW+len(helpColumnGap)+colW > w {
			flush()
		}
		if bandW > 0 {
			for i := range band {
				band[i] = padRight(band[i], bandW) + helpColumnGap
			}
			bandW += len(helpColumnGap)
		}
		for i, l := range col {
			if i == len(band) {
				band = append(band, strings.Repeat(" ", bandW))
			}
			band[i] += l
		}
		bandW += colW
	}
	flush()
	lines = append(lines, wrapItems(m.st.bold.Render("Filter (/)"), []string{
		"terms separated by spaces, all must match", "!term negates",
		"404 or status:404", "4xx", "GET or method:get", "/api or path:/api", "pid:1234",
		"/ again edits the filter", "←/→ move", "ctrl+u clears",
	}, w)...)
	lines = append(lines, "")
	lines = append(lines, wrapItems(m.st.bold.Render("Glyphs"), []string{
		"○ ready", "● working", "◌ stopping/limit", "■ stopped", "✗ errored", "RSS ↑ growing ↓ shrinking",
	}, w)...)
	for i, l := range lines {
		lines[i] = fit(l, w)
	}
	return lines
}

// helpHeight is how many lines of help fit under its title.
func (m *Model) helpHeight() int {
	h := m.detail.h
	if !m.full() {
		h++ // the help takes the tab bar's line too
	}
	return max(h-1, 1)
}

// helpMaxTop is the largest scroll offset: 0 when the help fits.
func (m *Model) helpMaxTop() int {
	return max(len(m.helpLines(m.width))-m.helpHeight(), 0)
}

// helpKey scrolls the full help.
func (m *Model) helpKey(msg tea.KeyMsg) {
	page := max(m.helpHeight()-1, 1)
	switch {
	case key.Matches(msg, m.keys.Up):
		m.helpTop--
	case key.Matches(msg, m.keys.Down):
		m.helpTop++
	case key.Matches(msg, m.keys.PgUp):
		m.helpTop -= page
	case key.Matches(msg, m.keys.PgDown):
		m.helpTop += page
	case key.Matches(msg, m.keys.Top):
		m.helpTop = 0
	case key.Matches(msg, m.keys.Bottom):
		m.helpTop = m.helpMaxTop()
	}
	m.helpTop = min(max(m.helpTop, 0), m.helpMaxTop())
}

// fullHelp renders the help's title and the visible part of its lines.
func (m *Model) fullHelp() string {
	lines, h := m.helpLines(m.width), m.helpHeight()
	top := min(max(m.helpTop, 0), max(len(lines)-h, 0))
	hint := " (? or esc to close)"
	if len(lines) > h {
		hint = " (? or esc to close · ↑/↓ scroll) ↓ more"
		if top+h >= len(lines) {
			hint = " (? or esc to close · ↑/↓ scroll) end"
		}
	}
	out := []string{fit(m.st.focused.Render("─ Keys")+m.st.dim.Render(hint), m.width)}
	out = append(out, lines[top:min(top+h, len(lines))]...)
	return padLines(out, h+1)
}

// wrapItems lays head and then items out on lines at most w wide, two
// spaces apart; continuation lines are indented.
func wrapItems(head string, items []string, w int) []string {
	var lines []string
	line := head
	for _, it := range items {
		if ansi.StringWidth(line)+2+ansi.StringWidth(it) > w && line != "  " {
			lines = append(lines, line)
			line = "  "
		}
		if line == "  " {
			line += it
		} else {
			line += "  " + it
		}
	}
	return append(lines, line)
}

// padRight pads s with spaces to display width w.
func padRight(s string, w int) string {
	return s + strings.Repeat(" ", max(w-ansi.StringWidth(s), 0))
}
