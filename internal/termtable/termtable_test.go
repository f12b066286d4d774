package termtable

import (
	"strings"
	"testing"
)

// TestBox pins tablewriter's frame: centred titles, minimum widths, right-
// aligned numbers, ANSI codes not counted in widths, and a frame that
// closes under the header when there are no rows.
func TestBox(t *testing.T) {
	cols := []Column{{Title: "N", Min: 3, Right: true}, {Title: "NAME"}}
	var b strings.Builder
	if err := Box(&b, cols, [][]string{{"7", "\x1b[36mab\x1b[0m"}, {"1234", "abcdef"}}); err != nil {
		t.Fatal(err)
	}
	want := "" +
		"+------+--------+\n" +
		"|  N   |  NAME  |\n" +
		"+------+--------+\n" +
		"|    7 | \x1b[36mab\x1b[0m     |\n" +
		"| 1234 | abcdef |\n" +
		"+------+--------+\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
	b.Reset()
	if err := Box(&b, cols, nil); err != nil {
		t.Fatal(err)
	}
	if want := "+-----+------+\n|  N  | NAME |\n+-----+------+\n"; b.String() != want {
		t.Errorf("empty: got\n%s\nwant\n%s", b.String(), want)
	}
}

// TestColumns pins the tabwriter-like look: two spaces between columns,
// no frame, no trailing blanks.
func TestColumns(t *testing.T) {
	var b strings.Builder
	cols := append(Titles("NAME", "STATE"), Column{Title: "N", Right: true}, Column{Title: "LAST"})
	if err := Columns(&b, cols, [][]string{{"queue", "running", "12", "ok"}, {"vite#1", "stopped", "3", ""}}); err != nil {
		t.Fatal(err)
	}
	want := "" +
		"NAME    STATE    N   LAST\n" +
		"queue   running  12  ok\n" +
		"vite#1  stopped   3\n"
	if b.String() != want {
		t.Errorf("got\n%q\nwant\n%q", b.String(), want)
	}
}

// BenchmarkBox is `phprun workers` with 8 workers: lipgloss/table's cost
// (docs/benchmarks.md), paid once per command or per `-i` redraw.
func BenchmarkBox(b *testing.B) {
	cols := []Column{{Title: "PID", Min: 7, Right: true}, {Title: "STATUS", Min: 9}, {Title: "EXECS", Min: 7, Right: true},
		{Title: "MEMORY", Min: 7}, {Title: "CPU%", Min: 7, Right: true}, {Title: "CREATED", Min: 18}}
	rows := make([][]string, 8)
	for i := range rows {
		rows[i] = []string{"4242", "ready", "12,345", "27 MB", "1.50", "1 minute ago"}
	}
	var sb strings.Builder
	for b.Loop() {
		sb.Reset()
		if err := Box(&sb, cols, rows); err != nil {
			b.Fatal(err)
		}
	}
}
