// Package termtable draws the command line's tables (`phprun workers`,
// `phprun jobs list`, `phprun services list`) with lipgloss/table, the
// dashboard's own table library, in two looks: Box, the ASCII frame of
// RoadRunner's `rr workers` (olekukonko/tablewriter), and Columns, plain
// aligned columns for tables scripts read with awk. Cells may hold ANSI
// colour codes: widths are measured without them.
package termtable

import (
	"io"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/lipgloss/table"
)

// Column is one column: its title, the least width of its content (as
// tablewriter pads RoadRunner's columns), and whether its cells are
// right-aligned (numbers). Titles are centred in Box, left in Columns.
type Column struct {
	Title string
	Min   int
	Right bool
}

// asciiBorder is tablewriter's frame: "+" at every joint, "-" and "|".
func asciiBorder() lipgloss.Border {
	return lipgloss.Border{
		Top: "-", Bottom: "-", Left: "|", Right: "|",
		TopLeft: "+", TopRight: "+", BottomLeft: "+", BottomRight: "+",
		MiddleLeft: "+", MiddleRight: "+", Middle: "+", MiddleTop: "+", MiddleBottom: "+",
	}
}

// Box writes rows under cols in RoadRunner's framed look, ending with a
// newline. With no rows the frame closes under the header, as
// tablewriter's does.
func Box(w io.Writer, cols []Column, rows [][]string) error {
	widths := widths(cols, rows)
	// one style per column, made once: StyleFunc runs for every cell
	head, body := make([]lipgloss.Style, len(cols)), make([]lipgloss.Style, len(cols))
	for i, c := range cols {
		s := lipgloss.NewStyle().Padding(0, 1).Width(widths[i] + 2)
		head[i], body[i] = s.Align(lipgloss.Center), s
		if c.Right {
			body[i] = s.Align(lipgloss.Right)
		}
	}
	t := table.New().
		Border(asciiBorder()).
		BorderRow(false).
		BorderColumn(true).
		BorderHeader(true).
		BorderBottom(len(rows) > 0).
		Headers(titles(cols)...).
		Rows(rows...).
		StyleFunc(func(row, col int) lipgloss.Style {
			if row == table.HeaderRow {
				return head[col]
			}
			return body[col]
		})
	return write(w, t.String())
}

// Columns writes rows under cols as aligned columns with two spaces
// between them and no frame, like text/tabwriter; trailing blanks are cut.
func Columns(w io.Writer, cols []Column, rows [][]string) error {
	last, widths := len(cols)-1, widths(cols, rows)
	t := table.New().
		BorderTop(false).BorderBottom(false).BorderLeft(false).BorderRight(false).
		BorderHeader(false).BorderColumn(false).BorderRow(false).
		Headers(titles(cols)...).
		Rows(rows...).
		StyleFunc(func(row, col int) lipgloss.Style {
			s := lipgloss.NewStyle().Width(widths[col])
			if col < last {
				s = s.PaddingRight(2).Width(widths[col] + 2)
			}
			if row != table.HeaderRow && cols[col].Right {
				s = s.Align(lipgloss.Right)
			}
			return s
		})
	var b strings.Builder
	for _, line := range strings.Split(t.String(), "\n") {
		b.WriteString(strings.TrimRight(line, " "))
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// widths are each column's width: its Min, its title, its widest cell
// (measured without ANSI codes). lipgloss would size columns by content
// too, but a Min has to be applied as a fixed width, which then holds for
// every cell.
func widths(cols []Column, rows [][]string) []int {
	out := make([]int, len(cols))
	for i, c := range cols {
		out[i] = max(c.Min, lipgloss.Width(c.Title))
	}
	for _, r := range rows {
		for i, cell := range r {
			if i < len(out) {
				out[i] = max(out[i], lipgloss.Width(cell))
			}
		}
	}
	return out
}

// Titles are columns with only a title: left-aligned, as wide as their
// content.
func Titles(titles ...string) []Column {
	out := make([]Column, len(titles))
	for i, t := range titles {
		out[i] = Column{Title: t}
	}
	return out
}

func titles(cols []Column) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = c.Title
	}
	return out
}

func write(w io.Writer, s string) error {
	_, err := io.WriteString(w, s+"\n")
	return err
}
