package main

import (
	"context"
	"fmt"
	"io"
	"os/signal"
	"sort"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/phprun/phprun/engine"
	"github.com/phprun/phprun/rpc"
)

// WorkersCmd lists the workers of a running server, like `rr workers`.
type WorkersCmd struct {
	Interactive bool     `short:"i" help:"Redraw every second until interrupted."`
	Plugins     []string `arg:"" optional:"" help:"Pools to show (default: all, e.g. http)."`
}

// Run dials the RPC port from the configuration (rpc.listen, default
// tcp://127.0.0.1:6001) and prints one table per pool.
func (c WorkersCmd) Run(g *Globals, a *app) error {
	cl, err := dialRPC(g, a)
	if err != nil {
		return err
	}
	defer cl.Close()
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	show := func(ctx context.Context) error {
		cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		var b strings.Builder
		if err := c.render(cctx, cl, &b); err != nil {
			return err
		}
		if c.Interactive && a.stdoutIsTerminal {
			fmt.Fprint(a.stdout, "\033[H\033[2J")
		}
		_, err := io.WriteString(a.stdout, b.String())
		return err
	}
	if !c.Interactive {
		return show(ctx)
	}
	return rpc.Watch(ctx, time.Second, show)
}

func (c WorkersCmd) render(ctx context.Context, cl *rpc.Client, w io.Writer) error {
	plugins := c.Plugins
	if len(plugins) == 0 {
		var err error
		if plugins, err = cl.List(ctx); err != nil {
			return err
		}
	}
	for i, p := range plugins {
		ws, err := cl.Workers(ctx, p)
		if err != nil {
			return err
		}
		if i > 0 {
			fmt.Fprintln(w)
		}
		renderWorkers(w, p, ws, time.Now())
	}
	return nil
}

// renderWorkers prints RoadRunner's workers table (PROTOCOL.md 6.2):
// PID, status, execs, memory, CPU%, created; sorted by PID.
func renderWorkers(w io.Writer, plugin string, ws []rpc.ProcessState, now time.Time) {
	sort.Slice(ws, func(i, j int) bool { return ws[i].Pid < ws[j].Pid })
	fmt.Fprintf(w, "Workers of [%s]:\n", plugin)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "PID\tSTATUS\tEXECS\tMEMORY\tCPU%\tCREATED")
	for _, p := range ws {
		status := p.StatusStr
		if status == "" {
			status = engine.State(p.Status).String()
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%.2f\t%s\n", p.Pid, status, thousands(p.NumExecs),
			humanBytes(p.MemoryUsage), p.CPUPercent, ago(now, time.Unix(0, p.Created)))
	}
	_ = tw.Flush()
}

func thousands(n uint64) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// humanBytes uses SI units as `rr workers` does ("27 MB").
func humanBytes(n uint64) string {
	const unit = 1000
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := uint64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.0f %cB", float64(n)/float64(div), "kMGTPE"[exp])
}

func ago(now, t time.Time) string {
	d := now.Sub(t)
	switch {
	case d < 2*time.Second:
		return "now"
	case d < time.Minute:
		return fmt.Sprintf("%d seconds ago", int(d.Seconds()))
	case d < 2*time.Minute:
		return "1 minute ago"
	case d < time.Hour:
		return fmt.Sprintf("%d minutes ago", int(d.Minutes()))
	case d < 2*time.Hour:
		return "1 hour ago"
	case d < 48*time.Hour:
		return fmt.Sprintf("%d hours ago", int(d.Hours()))
	}
	return fmt.Sprintf("%d days ago", int(d.Hours()/24))
}

// ResetCmd reloads the workers of a running server, like `rr reset`.
type ResetCmd struct {
	Plugins []string `arg:"" optional:"" help:"Pools to reset (default: all)."`
}

// Run resets each pool and reports how long it took.
func (c ResetCmd) Run(g *Globals, a *app) error {
	cl, err := dialRPC(g, a)
	if err != nil {
		return err
	}
	defer cl.Close()
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	plugins := c.Plugins
	if len(plugins) == 0 {
		lctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		plugins, err = cl.Resettable(lctx)
		cancel()
		if err != nil {
			return err
		}
	}
	for _, p := range plugins {
		start := time.Now()
		// The server waits for busy workers up to reset_timeout; do not
		// give up before it does.
		rctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
		err := cl.Reset(rctx, p)
		cancel()
		if err != nil {
			return err
		}
		fmt.Fprintf(a.stdout, "%s: workers reset in %s\n", p, time.Since(start).Round(time.Millisecond))
	}
	return nil
}

// dialRPC connects to the RPC port named by the configuration. A missing
// config file is fine (the default address is tried); a config without an
// rpc section gets a hint, since the server then has no RPC port at all.
func dialRPC(g *Globals, a *app) (*rpc.Client, error) {
	lc, err := g.load(a, false, false)
	if err != nil {
		return nil, err
	}
	cl, err := rpc.Dial(lc.Config.RPC.Listen)
	if err != nil {
		if lc.File != "" && !lc.Present["rpc"] {
			return nil, fmt.Errorf("%w\nhint: %s has no rpc section, so a server started with it does not listen for RPC; add:\n  rpc:\n    listen: %s", err, lc.File, rpc.DefaultListen)
		}
		return nil, err
	}
	return cl, nil
}
