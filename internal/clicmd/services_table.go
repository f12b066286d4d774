package clicmd

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/phprun/phprun/internal/termtable"
	"github.com/phprun/phprun/service"
)

// renderServices writes statuses as the table of `phprun services list`
// (termtable.Columns): one row per process, the state with its back-off or exit, and the last line of
// output cut to fit.
func renderServices(w io.Writer, sts []service.Status, now time.Time) error {
	if len(sts) == 0 {
		_, err := fmt.Fprintln(w, "no services (add a service section to the config, or create one over RPC)")
		return err
	}
	rows := make([][]string, 0, len(sts))
	for _, st := range sts {
		name := st.Service
		if st.Index > 0 {
			name = fmt.Sprintf("%s#%d", st.Service, st.Index)
		}
		pid, up, cpu, mem := "-", "-", "-", "-"
		if st.PID != 0 {
			pid = fmt.Sprint(st.PID)
			up = uptime(now.Sub(st.Started))
			cpu = fmt.Sprintf("%.1f%%", st.CPU)
			mem = fmt.Sprintf("%.1f MB", float64(st.RSS)/1e6)
		}
		rows = append(rows, []string{name, stateText(st, now), pid, strconv.Itoa(st.Restarts), up, cpu, mem, cut(st.LastLine, 40)})
	}
	return termtable.Columns(w, termtable.Titles("SERVICE", "STATE", "PID", "RESTARTS", "UPTIME", "CPU", "MEMORY", "LAST OUTPUT"), rows)
}

// stateText is the state as shown to people: "backoff (next in 8s)",
// "exited (exit status 1)".
func stateText(st service.Status, now time.Time) string {
	switch st.State {
	case service.StateBackoff, service.StateRestarting:
		if !st.Next.IsZero() {
			return fmt.Sprintf("%s (next in %s)", st.State, uptime(st.Next.Sub(now)))
		}
	case service.StateExited, service.StateFailed:
		if st.Exit != "" {
			return fmt.Sprintf("%s (%s)", st.State, cut(st.Exit, 40))
		}
	}
	return string(st.State)
}

// uptime formats a duration in its two largest units: "45s", "3m12s", "2h05m".
func uptime(d time.Duration) string {
	d = max(d, 0).Round(time.Second)
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
	}
	return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
}

func cut(s string, n int) string {
	s = strings.TrimSpace(s)
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
