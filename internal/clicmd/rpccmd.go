package clicmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/phprun/phprun/internal/config"
	"github.com/phprun/phprun/rpc"
)

// WorkersCmd lists the workers of a running server, like `rr workers`.
type WorkersCmd struct {
	Interactive bool     `short:"i" help:"Redraw every timeouts.workers_refresh (1s) until interrupted."`
	Plugins     []string `arg:"" optional:"" help:"Pools to show (default: all, e.g. http)."`
}

// Run dials the RPC port from the configuration (rpc.listen, default
// tcp://127.0.0.1:6001) and prints one table per pool.
func (c WorkersCmd) Run(env *Env) error {
	ctx, cl, t, done, err := rpcSession(env)
	if err != nil {
		return err
	}
	defer done()
	show := func(ctx context.Context) error {
		cctx, cancel := context.WithTimeout(ctx, t.RPCCall)
		defer cancel()
		var b strings.Builder
		if err := c.render(cctx, cl, &b, env.StdoutIsTerminal); err != nil {
			return err
		}
		if c.Interactive && env.StdoutIsTerminal {
			fmt.Fprint(env.Stdout, "\033[H\033[2J")
		}
		_, err := io.WriteString(env.Stdout, b.String())
		return err
	}
	if !c.Interactive {
		return show(ctx)
	}
	return rpc.Watch(ctx, t.WorkersRefresh, show)
}

func (c WorkersCmd) render(ctx context.Context, cl *rpc.Client, w io.Writer, color bool) error {
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
		if err := renderWorkers(w, p, ws, time.Now(), color); err != nil {
			return err
		}
	}
	return nil
}

// ResetCmd reloads the workers of a running server, like `rr reset`.
type ResetCmd struct {
	Plugins []string `arg:"" optional:"" help:"Pools to reset (default: all)."`
}

// Run resets each pool and reports how long it took.
func (c ResetCmd) Run(env *Env) error {
	ctx, cl, t, done, err := rpcSession(env)
	if err != nil {
		return err
	}
	defer done()
	plugins := c.Plugins
	if len(plugins) == 0 {
		lctx, cancel := context.WithTimeout(ctx, t.RPCCall)
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
		rctx, cancel := context.WithTimeout(ctx, t.RPCControl)
		err := cl.Reset(rctx, p)
		cancel()
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "%s: workers reset in %s\n", p, time.Since(start).Round(time.Millisecond))
	}
	return nil
}

// rpcSession dials the RPC port named by the configuration and returns a
// context that ends on SIGINT/SIGTERM, and the configuration's timeouts;
// done closes both.
func rpcSession(env *Env) (context.Context, *rpc.Client, config.TimeoutsConfig, func(), error) {
	listen, t, err := rpcListen(env)
	if err != nil {
		return nil, nil, t, nil, err
	}
	cl, err := rpc.Dial(listen)
	if err != nil {
		return nil, nil, t, nil, err
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	return ctx, cl, t, func() { stop(); cl.Close() }, nil
}

// rpcListen is the rpc.listen address of the server the configuration
// describes, with the configuration's timeouts for the calls. A missing
// config file is fine (the default address is tried); a config file without
// an rpc section is an error, since a server started with it has no RPC port.
func rpcListen(env *Env) (string, config.TimeoutsConfig, error) {
	t := config.DefaultTimeouts()
	opts, err := env.Options(false)
	if err != nil {
		return "", t, err
	}
	// Only rpc.listen and the timeouts matter here: a config that the
	// server would reject for other reasons (or no config at all) must not
	// stop `phprun workers`.
	lc, err := config.Load(opts)
	var ce *config.Error
	if errors.As(err, &ce) && lc != nil {
		if problems := append(ce.Under("rpc"), ce.Under("timeouts")...); len(problems) > 0 {
			return "", t, &config.Error{Problems: problems}
		}
	} else if err != nil {
		return "", t, err
	}
	listen := lc.Config.RPC.Listen
	// a relative socket path is relative to the server's directory, which
	// is the config file's or -w's (see runServer), not ours
	if path, ok := strings.CutPrefix(listen, "unix://"); ok && !filepath.IsAbs(path) && path != "" {
		listen = "unix://" + filepath.Join(lc.Base, path)
	}
	if lc.File != "" && !lc.Present["rpc"] {
		// A server started with this file has no RPC port, so the default
		// address could only reach some other server: do not dial it.
		return "", t, fmt.Errorf("%s has no rpc section, so a server started with it does not listen for RPC; add:\n  rpc:\n    listen: %s\nor pass -o rpc.listen=ADDRESS to reach a server started with another configuration", lc.File, rpc.DefaultListen)
	}
	return listen, lc.Config.Timeouts, nil
}
