package tui

import "strings"

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

// cell is one table cell: plain text and how to paint it.
type cell struct {
	text string
	p    paint
}

// row renders cells into columns, exactly as wide as the columns. Text is
// fitted before it is painted, so measuring never parses escape sequences.
func row(cols []column, cells []cell, painted bool) string {
	var b strings.Builder
	for i, c := range cols {
		b.WriteString(colGap)
		var cl cell
		if i < len(cells) {
			cl = cells[i]
		}
		text := fit(cl.text, c.width)
		if c.right {
			text = fitLeft(cl.text, c.width)
		}
		if painted {
			text = cl.p.Render(text)
		}
		b.WriteString(text)
	}
	return b.String()
}

// tableRow renders one data row with its selection marker. A selected row
// in a focused pane is drawn reversed and unpainted (inner colours would
// cut the reverse short); without colours the "›" marker alone shows it.
func tableRow(st styles, cols []column, cells []cell, selected, focused bool) string {
	switch {
	case selected && focused:
		return st.selected.Render("›" + row(cols, cells, false))
	case selected:
		return st.dim.Render("›") + row(cols, cells, true)
	default:
		return " " + row(cols, cells, true)
	}
}

// headerRow renders the column titles.
func headerRow(st styles, cols []column) string {
	titles := make([]cell, len(cols))
	for i, c := range cols {
		titles[i] = cell{text: c.title}
	}
	return st.colHeader.Render(" " + row(cols, titles, false))
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
	if sw := width(s); sw+2 <= w {
		s += " " + st.dim.Render(strings.Repeat("─", w-sw-1))
	}
	return fit(s, w)
}

// padLines makes exactly h lines. The lines must already fit the width
// (tables, titles and fit do that); shorter ones are fine, the renderer
// clears the rest of each line.
func padLines(lines []string, h int) string {
	if len(lines) > h {
		lines = lines[:h]
	}
	for len(lines) < h {
		lines = append(lines, "")
	}
	return strings.Join(lines, "\n")
}
