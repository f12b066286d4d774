package tui

import (
	"fmt"
	"strings"
	"time"

	"github.com/phprun/phprun/engine"
)

// logLine is one row of the logs pane: a worker's stderr line, a phprun
// log record or a lifecycle event.
type logLine struct {
	at     time.Time
	pid    int
	level  string // "error", "warn", "info", "debug", "out" (worker output), "event"
	source string // pool name or "phprun"
	text   string
}

// logsPane shows worker output and phprun's own records, newest at the bottom.
type logsPane struct {
	dropped uint64 // events the Source dropped (DropCounter)
	store[logLine]
}

func newLogsPane(maxLines int) logsPane { return logsPane{store: newStore[logLine](maxLines)} }

func (p *logsPane) setFilter(f filter) { p.applyFilter(f, f.matchLog) }

// eventLines turns an event into log rows; multi-line messages (a PHP parse
// error with its stack) become one row per line.
func eventLines(e engine.Event) []logLine {
	base := logLine{at: e.Time, pid: e.PID, source: e.Pool, level: "event"}
	head, body := e.Describe(), ""
	switch e.Kind {
	case engine.EventWorkerOutput:
		base.level, head, body = "out", "", e.Message
	case engine.EventLog:
		base.level, base.source, head, body = e.Level, "phprun", "", e.Message
		if base.level == "" {
			base.level = "info"
		}
	case engine.EventWorkerSpawned, engine.EventWorkerReady:
	case engine.EventWorkerStopped:
		head = withDetail(head, e.Reason)
	case engine.EventLimitReached:
		base.level, head = "warn", withDetail(head, e.Reason)
	case engine.EventReloadStarted:
		base.level, head = "info", withDetail(head, e.Reason)
	case engine.EventReloadDone:
		base.level, head = "info", withDetail(head, fmt.Sprintf("%s in %s", plural(e.Count, "worker"), fmtMillis(e.Duration)))
	case engine.EventReloadFailed:
		base.level, head, body = "error", withDetail(head, e.Reason), e.Message
	case engine.EventBootFailed:
		base.level, body = "error", e.Message
	default:
		head = withDetail(head, e.Message)
	}
	return rows(base, head, body)
}

// withDetail appends a detail to an event's text (engine.Event.Describe)
// after ": ", as the logs pane shows it.
func withDetail(text, detail string) string {
	if detail == "" {
		return text
	}
	return text + ": " + detail
}

// recordLines turns one of phprun's log records into log rows.
func recordLines(r LogRecord) []logLine {
	base := logLine{at: r.Time, level: r.Level, source: "phprun"}
	if base.level == "" {
		base.level = "info"
	}
	return rows(base, "", r.Message)
}

// rows makes the rows of one entry: head (if any) on the first, then one
// row per line of body, indented under a head.
func rows(base logLine, head, body string) []logLine {
	var out []logLine
	if head != "" {
		l := base
		l.text = head
		out = append(out, l)
	}
	for _, s := range strings.Split(strings.TrimRight(body, "\n"), "\n") {
		if s == "" && body == "" {
			break
		}
		l := base
		l.text = oneLine(s)
		if head != "" {
			l.text = "  " + l.text // continuation of the row above
		}
		out = append(out, l)
	}
	return out
}

func (p *logsPane) levelCell(st styles, level string) (string, paint) {
	switch level {
	case "error":
		return "ERR", st.bad
	case "warn":
		return "WRN", st.warn
	case "info":
		return "INF", st.info
	case "debug":
		return "DBG", st.dim
	case "out":
		return "OUT", st.plain
	default:
		return "EVT", st.dim
	}
}

// columns are the same at every width (the message takes what is left):
// without colours the level is shown nowhere else.
func (p *logsPane) columns() []column {
	return layoutColumns([]column{
		{title: "TIME", width: 8},
		{title: "LVL", width: 3},
		{title: "PID", width: 7, right: true},
		{title: "MESSAGE", flex: true},
	}, p.w)
}

func (p *logsPane) view(st styles, focused bool) string {
	cols := p.columns()
	lines, done := p.head(st, streamHead{num: 3, name: "Logs", focused: focused,
		lost: p.dropped, lostWord: "dropped", cols: cols,
		empty: "  no output yet", noMatch: "  no line matches the filter"})
	if done {
		return padLines(lines, p.h)
	}
	rows, first := p.visible()
	for k, l := range rows {
		at := l.at.Format("15:04:05")
		pid := ""
		if l.pid > 0 {
			pid = fmt.Sprint(l.pid)
		}
		lvl, lp := p.levelCell(st, l.level)
		cells := []cell{{at, st.dim}, {lvl, lp}, {pid, st.dim}, {l.text, lp}}
		lines = append(lines, tableRow(st, cols, cells, first+k == p.list.sel, focused))
	}
	return padLines(lines, p.h)
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// fmtMillis prints a reload duration in whole milliseconds, as the issue's
// "reloaded in X ms" wording asks.
func fmtMillis(d time.Duration) string {
	if d < time.Second {
		return fmt.Sprintf("%d ms", d.Milliseconds())
	}
	return fmt.Sprintf("%.1f s", d.Seconds())
}
