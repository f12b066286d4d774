package service

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

// Render writes statuses as the table of `phprun services list`: one row
// per process, the state with its back-off or exit, and the last line of
// output cut to fit.
func Render(w io.Writer, sts []Status, now time.Time) error {
	if len(sts) == 0 {
		_, err := fmt.Fprintln(w, "no services (add a service section to the config, or create one over RPC)")
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SERVICE\tSTATE\tPID\tRESTARTS\tUPTIME\tCPU\tMEMORY\tLAST OUTPUT")
	for _, st := range sts {
		name := st.Service
		if st.Index > 0 {
			name = fmt.Sprintf("%s#%d", st.Service, st.Index)
		}
		pid, up, cpu, mem := "-", "-", "-", "-"
		if st.PID != 0 {
			pid = fmt.Sprint(st.PID)
			up = Uptime(now.Sub(st.Started))
			cpu = fmt.Sprintf("%.1f%%", st.CPU)
			mem = fmt.Sprintf("%.1f MB", float64(st.RSS)/1e6)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\t%s\t%s\n", name, StateText(st, now), pid, st.Restarts, up, cpu, mem, cut(st.LastLine, 40))
	}
	return tw.Flush()
}

// StateText is the state as shown to people: "backoff (next in 8s)",
// "exited (exit status 1)".
func StateText(st Status, now time.Time) string {
	switch st.State {
	case StateBackoff, StateRestarting:
		if !st.Next.IsZero() {
			return fmt.Sprintf("%s (next in %s)", st.State, Uptime(st.Next.Sub(now)))
		}
	case StateExited, StateFailed:
		if st.Exit != "" {
			return fmt.Sprintf("%s (%s)", st.State, cut(st.Exit, 40))
		}
	}
	return string(st.State)
}

// Uptime formats a duration in its two largest units: "45s", "3m12s", "2h05m".
func Uptime(d time.Duration) string {
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
