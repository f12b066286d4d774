package tui

import (
	"strings"

	"github.com/charmbracelet/lipgloss"
)

// column is one column of a pane's table. The flex column takes the width
// the fixed ones leave.
type column struct {
	title string
	width int
	right bool // right-align (numbers)
	flex  bool
}

// colGap separates columns.
const colGap = " "

// layoutColumns gives the flex column the remaining width of w, keeping
// one cell for the selection marker.
func layoutColumns(cols []column, w int) []column {
	out := make([]column, len(cols))
	copy(out, cols)
	used := 1 // marker
	flex := -1
	for i, c := range out {
		used += len(colGap)
		if c.flex {
			flex = i
			continue
		}
		used += c.width
	}
	if flex >= 0 {
		out[flex].width = max(w-used, 4)
	}
	return out
}

// row renders cells into columns. Cells may already be styled; the row is
// exactly as wide as the columns.
func row(cols []column, cells []string) string {
	var b strings.Builder
	for i, c := range cols {
		b.WriteString(colGap)
		cell := ""
		if i < len(cells) {
			cell = cells[i]
		}
		if c.right {
			b.WriteString(fitLeft(cell, c.width))
		} else {
			b.WriteString(fit(cell, c.width))
		}
	}
	return b.String()
}

// tableRow renders one data row with its selection marker. A selected row
// in a focused pane is drawn reversed from its plain cells (inner styles
// would cut the reverse short); without colours the "›" marker alone shows it.
func tableRow(st styles, cols []column, styled, plain []string, selected, focused bool) string {
	switch {
	case selected && focused && st.color:
		return st.selected.Render("›" + row(cols, plain))
	case selected && focused:
		return "›" + row(cols, plain)
	case selected:
		return st.dim.Render("›") + row(cols, styled)
	default:
		return " " + row(cols, styled)
	}
}

// headerRow renders the column titles.
func headerRow(st styles, cols []column) string {
	titles := make([]string, len(cols))
	for i, c := range cols {
		titles[i] = c.title
	}
	return st.colHeader.Render(" " + row(cols, titles))
}

// paneTitle renders a pane's title line: "─ 2 Requests ─ extra ───…".
func paneTitle(st styles, n int, name, extra string, focused bool, w int) string {
	ts := st.title
	if focused {
		ts = st.focused
	}
	s := st.dim.Render("─ ") + ts.Render(string(rune('0'+n))+" "+name)
	if extra != "" {
		s += " " + extra
	}
	if sw := lipgloss.Width(s); sw+2 <= w {
		s += " " + st.dim.Render(strings.Repeat("─", w-sw-1))
	}
	return fit(s, w)
}

// padLines makes exactly h lines of width w.
func padLines(lines []string, w, h int) string {
	out := make([]string, h)
	for i := range h {
		if i < len(lines) {
			out[i] = fit(lines[i], w)
		} else {
			out[i] = strings.Repeat(" ", w)
		}
	}
	return strings.Join(out, "\n")
}
