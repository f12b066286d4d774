package clicmd

import (
	"cmp"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/phprun/phprun/internal/termtable"
	"github.com/phprun/phprun/rpc"
)

// ANSI colours used by renderWorkers, as `rr workers` colours them.
const (
	ansiReset    = "\x1b[0m"
	ansiRed      = "\x1b[31m"
	ansiGreen    = "\x1b[32m"
	ansiYellow   = "\x1b[33m"
	ansiCyan     = "\x1b[36m"
	ansiHiYellow = "\x1b[93m"
)

// workerColumns are the table's headers, minimum widths (RoadRunner's) and
// whether the column is right-aligned (numbers).
func workerColumns() []termtable.Column {
	return []termtable.Column{
		{Title: "PID", Min: 7, Right: true}, {Title: "STATUS", Min: 9}, {Title: "EXECS", Min: 7, Right: true},
		{Title: "MEMORY", Min: 7}, {Title: "CPU%", Min: 7, Right: true}, {Title: "CREATED", Min: 18},
	}
}

// renderWorkers writes the worker table of one pool as `rr workers` prints
// it (PROTOCOL.md 6.2): a "Workers of [plugin]:" line, then PID, status,
// executions, memory, CPU% and age, rows sorted by PID, in
// tablewriter's ASCII frame (termtable.Box). Ages are relative to now.
// color adds ANSI colours; pass false when w is not a terminal.
func renderWorkers(w io.Writer, plugin string, list []rpc.ProcessState, now time.Time, color bool) error {
	rows := slices.Clone(list)
	slices.SortFunc(rows, func(a, b rpc.ProcessState) int { return cmp.Compare(a.Pid, b.Pid) })
	cells := make([][]string, len(rows))
	for r, p := range rows {
		status := p.StatusStr
		if color {
			status = colorStatus(status)
		}
		cells[r] = []string{
			strconv.FormatInt(p.Pid, 10),
			status,
			commas(p.NumExecs),
			siBytes(p.MemoryUsage),
			strconv.FormatFloat(p.CPUPercent, 'f', 2, 64),
			relTime(time.Unix(0, p.Created), now),
		}
	}
	name := plugin
	if color {
		name = ansiHiYellow + plugin + ansiReset
	}
	if _, err := fmt.Fprintf(w, "Workers of [%s]:\n", name); err != nil {
		return err
	}
	return termtable.Box(w, workerColumns(), cells)
}

// colorStatus colours a state name as `rr workers` does.
func colorStatus(s string) string {
	var c string
	switch s {
	case "inactive", "invalid":
		c = ansiYellow
	case "ready":
		c = ansiCyan
	case "working":
		c = ansiGreen
	case "stopped", "errored":
		c = ansiRed
	default:
		return s
	}
	return c + s + ansiReset
}

// commas formats n with thousands separators: 1234567 → "1,234,567".
func commas(n uint64) string {
	s := strconv.FormatUint(n, 10)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// siBytes formats a byte count in SI units the way go-humanize's Bytes
// does, which is what `rr workers` shows: "27 MB", "2.5 MB", "999 B".
func siBytes(n uint64) string {
	if n < 10 {
		return fmt.Sprintf("%d B", n)
	}
	units := []string{"B", "kB", "MB", "GB", "TB", "PB", "EB"}
	e := math.Floor(math.Log(float64(n)) / math.Log(1000))
	val := math.Floor(float64(n)/math.Pow(1000, e)*10+0.5) / 10
	if val >= 10 {
		return fmt.Sprintf("%.0f %s", val, units[int(e)])
	}
	return fmt.Sprintf("%.1f %s", val, units[int(e)])
}

// relTime says how long before now t was, in go-humanize's RelTime words
// ("now", "1 minute ago", "3 hours ago", "2 weeks ago").
func relTime(t, now time.Time) string {
	const (
		day   = 24 * time.Hour
		week  = 7 * day
		month = 30 * day
		year  = 12 * month
	)
	d := now.Sub(t)
	suffix := "ago"
	if d < 0 {
		d, suffix = -d, "from now"
	}
	steps := []struct {
		below time.Duration
		unit  time.Duration // 0: fixed text
		text  string
	}{
		{time.Second, 0, "now"},
		{2 * time.Second, 0, "1 second"},
		{time.Minute, time.Second, "seconds"},
		{2 * time.Minute, 0, "1 minute"},
		{time.Hour, time.Minute, "minutes"},
		{2 * time.Hour, 0, "1 hour"},
		{day, time.Hour, "hours"},
		{2 * day, 0, "1 day"},
		{week, day, "days"},
		{2 * week, 0, "1 week"},
		{month, week, "weeks"},
		{2 * month, 0, "1 month"},
		{year, month, "months"},
		{18 * month, 0, "1 year"},
		{2 * year, 0, "2 years"},
		{37 * year, year, "years"},
	}
	for _, s := range steps {
		if d >= s.below {
			continue
		}
		switch {
		case s.text == "now":
			return "now"
		case s.unit == 0:
			return s.text + " " + suffix
		default:
			return fmt.Sprintf("%d %s %s", d/s.unit, s.text, suffix)
		}
	}
	return "a long while " + suffix
}
