package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"sync"
	"syscall"
	"time"

	"github.com/phprun/phprun/engine"
	"github.com/phprun/phprun/httpfront"
	"github.com/phprun/phprun/httpfront/access"
	"github.com/phprun/phprun/internal/config"
	"github.com/phprun/phprun/internal/logging"
	"github.com/phprun/phprun/internal/plugins"
	"github.com/phprun/phprun/internal/protocodec"
	"github.com/phprun/phprun/internal/startclock"
	"github.com/phprun/phprun/kv"
	"github.com/phprun/phprun/metrics"
	"github.com/phprun/phprun/rpc"
	"github.com/phprun/phprun/service"
	"github.com/phprun/phprun/tui"
	"github.com/phprun/phprun/watch"
	"golang.org/x/sync/errgroup"
)

// ServeCmd runs the server.
type ServeCmd struct{}

// Run serves until SIGTERM/SIGINT: with the dashboard when stdout is a
// terminal (and --headless is not given), else with JSON logs on stderr.
func (ServeCmd) Run(g *Globals, a *app) error { return runServer(g, a, false) }

// errForced: a second signal (or a second ctrl+c in the dashboard) cut the
// graceful drain short. It is a runtime error (exit 1).
var errForced = errors.New("forced shutdown: in-flight requests were cut and workers killed")

// server is one running phprun: the parts wired in main's lifecycle tree.
// Fields are set by startServer before any goroutine runs and not changed
// afterwards, except through the once-guarded shutdown.
type server struct {
	lc       *config.Loaded
	dev      bool
	log      *slog.Logger
	bus      *engine.Bus
	pool     *engine.Pool
	exec     *poolExec
	front    *httpfront.Server
	status   *httpfront.StatusServer // nil without status.address
	rpcSrv   *rpc.Server             // nil without an rpc section
	rpcLn    net.Listener
	access   *access.Ring        // nil unless the dashboard reads it
	php      *phpProbe           // the worker's PHP version, learned after boot (phpversion.go)
	boot     time.Duration       // process start to serving (boot_ms)
	watcher  *watch.Watcher      // dev only; nil when not watching
	services *service.Supervisor // the service section (serve_plugins.go)
	kv       *kv.Plugin          // nil without a kv section
	metrics  *metrics.Plugin     // nil without a metrics section
	jobs     *plugins.Jobs       // nil without a jobs section

	forced    chan struct{} // closed by forceStop (a second signal): shutdown stops waiting
	forceOnce sync.Once

	shutdownOnce sync.Once
	shutdownDone chan struct{}
	shutdownErr  error // set before shutdownDone is closed
}

// poolExec lets the HTTP front be built (and its port bound) before the
// workers start, so that a taken port fails at once with nothing started.
// pool is set once, before the front serves its first request.
type poolExec struct{ pool *engine.Pool }

func (p *poolExec) Exec(ctx context.Context, pl engine.Payload) (*engine.Response, error) {
	return p.pool.Exec(ctx, pl)
}

func (p *poolExec) Stats() engine.Stats {
	if p.pool == nil {
		return engine.Stats{Pool: "http"}
	}
	return p.pool.Stats()
}

func (p *poolExec) Counts() engine.Counts {
	if p.pool == nil {
		return engine.Counts{}
	}
	return p.pool.Counts()
}

// runServer is `phprun serve` and `phprun dev`.
func runServer(g *Globals, a *app, dev bool) error {
	lc, err := g.load(a, true, true)
	if err != nil {
		return err // nothing started
	}
	// RoadRunner runs from the config file's directory unless -w is given,
	// so relative paths (worker script, static dir, unix sockets) resolve
	// against the config file.
	if g.Workdir == "" {
		if err := os.Chdir(lc.Dir); err != nil {
			return fmt.Errorf("chdir to the config directory: %w", err)
		}
	}
	applyDotenv(lc.Dotenv)

	ui := !g.Headless && a.stdoutIsTerminal
	bus := engine.NewBus()
	var log *slog.Logger
	var uiEvents *engine.Subscription
	var uiLogs *tui.LogFeed
	flushEvents := func() {} // the dashboard orders events and records by time itself
	if ui {
		// The dashboard owns the terminal: phprun's own records go to its
		// log feed (read through its Source) and appear in its log pane.
		uiEvents = bus.Subscribe(8192)
		log, uiLogs = dashboardLog(lc.Config.Logs.Level)
	} else {
		l, closeLog, err := logging.New(lc.Config.Logs, a.stdout, a.stderr)
		if err != nil {
			return &config.Error{Problems: []string{err.Error()}}
		}
		defer closeLog()
		log = l
		events := newEventLog(logging.ChannelLogger(log, lc.Config.Logs, "server"), bus.Subscribe(4096))
		go events.run()
		defer func() { bus.Unsubscribe(events.sub); <-events.done }()
		flushEvents = events.flush
	}
	for _, w := range lc.Warnings {
		log.Warn(w)
	}
	if dev && !ui {
		why := "stdout is not a terminal"
		if g.Headless {
			why = "--headless"
		}
		log.Info(why + ": dev runs without the dashboard and logs instead; it still reloads on change")
	}

	ctx, sigs := newSignals()
	defer sigs.stop()

	s, err := startServer(ctx, lc, log, bus, dev, ui, flushEvents, a.tuneRuntime)
	if err != nil {
		if uiEvents != nil {
			bus.Unsubscribe(uiEvents)
		}
		if ui {
			return err // the dashboard never started: main prints it on stderr
		}
		flushEvents() // the boot failures first, then the verdict
		log.Error("startup failed", "error", err.Error())
		if lc.Config.Logs.Output != "stderr" || lc.Config.Logs.Mode == "off" || lc.Config.Logs.Mode == "none" {
			return err // the log went elsewhere: say it on stderr too
		}
		return &reportedError{err}
	}
	sigs.onForce(s.forceStop)
	sigs.onReload(func() { _ = s.reload("SIGUSR2") })

	if ui {
		err = s.runDashboard(ctx, uiEvents, uiLogs)
		bus.Unsubscribe(uiEvents)
	} else {
		err = s.runHeadless(ctx)
	}
	if err != nil && !errors.Is(err, errForced) {
		return err
	}
	if err != nil || s.isForced() {
		if ui {
			return errForced // the dashboard is gone: main prints it
		}
		log.Error("shutdown forced")
		return &reportedError{errForced}
	}
	return nil
}

// startServer binds every listener first, then boots the workers, then
// reports the startup summary. On failure everything already started is
// stopped again: nothing is left running. tuneRuntime (nil in tests) runs
// while the first workers boot.
func startServer(ctx context.Context, lc *config.Loaded, log *slog.Logger, bus *engine.Bus, dev, ui bool, flushEvents func(), tuneRuntime func()) (_ *server, err error) {
	cfg := lc.Config
	s := &server{lc: lc, dev: dev, log: log, bus: bus, exec: &poolExec{}, shutdownDone: make(chan struct{}), forced: make(chan struct{})}
	var undo []func()
	defer func() {
		if err != nil {
			for i := len(undo) - 1; i >= 0; i-- {
				undo[i]()
			}
		}
	}()

	opts := httpfront.Options{Logger: logging.ChannelLogger(log, cfg.Logs, "http"), Debug: dev && cfg.Dev.ShowErrors || cfg.HTTP.Pool.Debug, // RoadRunner: pool.debug shows errors
		NoFastPath: os.Getenv("PHPRUN_HTTP_FASTPATH") == "0"}
	if ui {
		s.access = access.NewRing(4096)
		opts.Access, opts.AccessDetail = s.access.Add, true // the dashboard shows each request's worker and error
	}
	if err := s.startMetrics(&opts); err != nil {
		if s.metrics != nil {
			_ = s.metrics.Shutdown(context.Background())
		}
		return nil, err
	}
	undo = append(undo, func() { _ = s.stopMetrics(context.Background()) })
	if s.front, err = httpfront.New(cfg.HTTP.Config, s.exec, opts); err != nil {
		return nil, err
	}
	if err := s.front.Listen(); err != nil {
		_ = s.front.Shutdown(context.Background())
		return nil, listenError("http.address", cfg.HTTP.Address, err)
	}
	undo = append(undo, func() { _ = s.front.Shutdown(context.Background()) })

	if cfg.Status.Address != "" {
		checkers := []httpfront.Checker{s.front}
		if lc.Present["jobs"] {
			checkers = append(checkers, plugins.JobsChecker{Jobs: func() *plugins.Jobs { return s.jobs }})
		}
		if s.status, err = httpfront.NewStatus(cfg.Status, logging.ChannelLogger(log, cfg.Logs, "status"), checkers...); err != nil {
			return nil, err
		}
		if err := s.status.Listen(); err != nil {
			return nil, listenError("status.address", cfg.Status.Address, err)
		}
		undo = append(undo, func() { _ = s.status.Shutdown(context.Background()) })
	}

	rpcAddr := ""
	if lc.Present["rpc"] {
		rpcAddr = cfg.RPC.Listen
		if s.rpcLn, err = rpc.Listen(cfg.RPC); err != nil {
			return nil, listenError("rpc.listen", cfg.RPC.Listen, err)
		}
		undo = append(undo, func() { _ = s.rpcLn.Close() })
		s.rpcSrv, err = rpc.NewServer(poolSet{s}, rpc.Options{Version: version, Logger: logging.ChannelLogger(log, cfg.Logs, "rpc"), Config: s.configJSON,
			Proto: protocodec.Codec{}, MaxPayload: cfg.RPC.MaxRequestBytes, Jobs: s.informerJobs})
		if err != nil {
			return nil, err
		}
	}

	if err := s.registerMetricsRPC(); err != nil {
		return nil, err
	}
	if err := s.startKV(ctx); err != nil {
		return nil, err
	}
	undo = append(undo, func() { _ = s.stopKV() })

	if dev && cfg.Dev.Watch {
		if s.watcher, err = newWatcher(cfg); err != nil {
			return nil, err
		}
		undo = append(undo, func() { _ = s.watcher.Close() })
	}

	if err := s.startServices(); err != nil {
		return nil, err
	}
	undo = append(undo, s.stopServicesNow)

	ecfg := cfg.Engine(rpcAddr, dev)
	ecfg.Version = version
	ecfg.ServeFirst = true     // serve from the first ready worker; the rest join as they boot
	ecfg.DirNote = lc.BaseNote // the workers run in lc.Base (runServer)
	if err := runOnInit(ctx, ecfg, log); err != nil {
		return nil, err
	}
	if tuneRuntime != nil {
		// Setting GOMAXPROCS stops the world and touches about 100 fresh
		// pages (main.go): done while the first PHP process starts on
		// another CPU, it costs the first response nothing.
		go tuneRuntime()
	}
	if s.pool, err = engine.New(ctx, ecfg, bus); err != nil {
		return nil, fmt.Errorf("start workers (%s): %w", commandLine(ecfg), err)
	}
	s.exec.pool = s.pool
	undo = append(undo, func() { _ = s.pool.Close(context.Background()) })
	s.php = startPHPProbe(cfg.Server.Command, cfg.Timeouts.PHPVersion, func(v string) { log.Info("php version", "php", v, "command", commandLine(ecfg)) })
	undo = append(undo, s.php.stop)
	if err := s.startJobs(ctx, rpcAddr); err != nil {
		return nil, err
	}
	if err := s.registerJobsMetrics(); err != nil {
		return nil, err
	}
	s.boot = startclock.Since()

	attrs := []any{"version", version, "mode", map[bool]string{true: "dev", false: "serve"}[dev],
		"http", "http://" + s.front.Addr()}
	if a := s.front.TLSAddr(); a != "" {
		attrs = append(attrs, "https", "https://"+a)
	}
	if s.status != nil {
		attrs = append(attrs, "status", "http://"+s.status.Addr()+"/health")
	}
	if s.rpcLn != nil {
		attrs = append(attrs, "rpc", cfg.RPC.Listen)
	}
	if s.kv != nil {
		attrs = append(attrs, "kv", s.kvSummary())
	}
	if s.metrics != nil {
		attrs = append(attrs, "metrics", s.metricsURL())
	}
	if ecfg.Pool.Debug {
		attrs = append(attrs, "debug", "a fresh worker per request, exec_ttl off")
	}
	attrs = append(attrs, "workers", ecfg.Pool.NumWorkers, "ready", s.pool.Stats().Count(engine.StateReady), "boot_ms", s.boot.Milliseconds(),
		"command", commandLine(ecfg), "config", lc.File, "pid", os.Getpid())
	if s.jobs != nil {
		attrs = append(attrs, "jobs_workers", s.jobs.Pool.Config().Pool.NumWorkers, "pipelines", s.jobs.Plugin.Names())
	}
	flushEvents() // the summary after the "worker ready" lines of the workers it counts
	log.Info("phprun is serving", attrs...)
	return s, nil
}

// runHeadless serves until a signal or a failing server, then shuts down.
func (s *server) runHeadless(ctx context.Context) error {
	runCtx, cancel := context.WithCancel(context.Background())
	defer cancel()
	g, gctx := errgroup.WithContext(runCtx)
	s.serve(g, runCtx)
	select {
	case <-ctx.Done():
		s.front.SetDraining() // /ready answers 503 from now on
		s.log.Info("shutting down: draining requests", "signal", context.Cause(ctx).Error())
	case <-gctx.Done():
	}
	shutdownErr := s.shutdown()
	cancel()
	if err := g.Wait(); err != nil {
		return err
	}
	return shutdownErr
}

// serve starts every server's loop in g. The loops end after shutdown
// (each treats its own graceful close as success) or when runCtx ends.
func (s *server) serve(g *errgroup.Group, runCtx context.Context) {
	g.Go(func() error { return s.front.ListenAndServe(runCtx) })
	if s.status != nil {
		g.Go(func() error { return s.status.ListenAndServe(runCtx) })
	}
	if s.rpcSrv != nil {
		g.Go(func() error { return s.rpcSrv.Serve(runCtx, s.rpcLn) })
	}
	if s.watcher != nil {
		g.Go(func() error { return s.watchAndReload(runCtx) })
	}
	if s.metrics != nil {
		g.Go(s.metrics.Serve)
	}
}

// shutdown stops everything in order, once; later calls wait for the first:
// /ready turns 503, the HTTP front stops accepting and drains (bounded by
// http.shutdown_timeout), the pool finishes its jobs and stops its workers
// (bounded by http.pool.destroy_timeout), then RPC and the status endpoints
// close. A second signal (forceStop) cuts every wait short.
func (s *server) shutdown() error {
	s.shutdownOnce.Do(func() {
		defer close(s.shutdownDone)
		start := time.Now()
		var errs []error
		s.front.SetDraining()
		cfg := s.lc.Config
		ctx, cancel := s.step(cfg.HTTP.DrainTimeout())
		if err := s.front.Shutdown(ctx); err != nil {
			errs = append(errs, err)
		}
		cancel()
		if err := s.stopJobs(); err != nil {
			errs = append(errs, err)
		}
		ctx, cancel = s.step(cfg.HTTP.Pool.DestroyTimeout)
		if err := s.pool.Close(ctx); err != nil {
			errs = append(errs, err)
		}
		cancel()
		if err := s.stopServices(); err != nil {
			errs = append(errs, err)
		}
		if s.rpcSrv != nil {
			ctx, cancel = s.step(cfg.Timeouts.AuxShutdown)
			if err := s.rpcSrv.Shutdown(ctx); err != nil {
				errs = append(errs, err)
			}
			cancel()
		}
		if err := s.stopKV(); err != nil {
			errs = append(errs, err)
		}
		if s.status != nil {
			ctx, cancel = s.step(cfg.Timeouts.AuxShutdown)
			if err := s.status.Shutdown(ctx); err != nil {
				errs = append(errs, err)
			}
			cancel()
		}
		ctx, cancel = s.step(cfg.Timeouts.AuxShutdown)
		if err := s.stopMetrics(ctx); err != nil {
			errs = append(errs, err)
		}
		cancel()
		s.php.stop()
		if s.isForced() {
			s.shutdownErr = errForced
			return
		}
		if err := errors.Join(errs...); err != nil {
			// The drain ran out of time: some requests were cut. Report it,
			// but the process did what it was asked (stop), so exit 0.
			s.log.Warn("shutdown was not clean", "error", err.Error())
		}
		s.log.Info("stopped", "shutdown_ms", time.Since(start).Milliseconds())
	})
	<-s.shutdownDone
	return s.shutdownErr
}

// forceStop makes the running (or next) shutdown stop waiting: a second
// signal, or a second ctrl+c in the dashboard.
func (s *server) forceStop() { s.forceOnce.Do(func() { close(s.forced) }) }

func (s *server) isForced() bool {
	select {
	case <-s.forced:
		return true
	default:
		return false
	}
}

// step is the context of one shutdown step: it ends after d, or at once
// when the shutdown is forced.
func (s *server) step(d time.Duration) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	go func() {
		select {
		case <-s.forced:
			cancel()
		case <-ctx.Done():
		}
	}()
	return ctx, cancel
}

// reload is a rolling reset of the workers (SIGUSR2, dashboard).
func (s *server) reload(why string) error {
	ctx, cancel := context.WithTimeout(context.Background(), s.lc.Config.ReloadTimeout())
	defer cancel()
	start := time.Now()
	s.log.Info("reloading workers", "reason", why)
	if err := s.pool.Reload(ctx, why); err != nil {
		s.log.Error("reload failed; the previous workers keep serving", "reason", why, "error", err.Error())
		return err
	}
	if jp := s.jobsPool(); jp != nil {
		if err := jp.Reload(ctx, why); err != nil {
			s.log.Error("reload of the jobs workers failed; the previous ones keep consuming", "reason", why, "error", err.Error())
			return err
		}
	}
	s.log.Info("workers reloaded", "reason", why, "workers", newWorkers(s.pool.Stats()), "duration_ms", time.Since(start).Milliseconds())
	return nil
}

// configJSON answers rpc.Config with the effective configuration.
func (s *server) configJSON() ([]byte, error) {
	return json.Marshal(config.Values(s.lc.Config))
}

// poolSet is the rpc package's view of the running pools.
type poolSet struct{ s *server }

func (p poolSet) Names() []string {
	if jp := p.s.jobsPool(); jp != nil {
		return []string{p.s.pool.Name(), jp.Name()}
	}
	return []string{p.s.pool.Name()}
}

// byName returns the pool called name, nil if there is none.
func (p poolSet) byName(name string) *engine.Pool {
	if name == p.s.pool.Name() {
		return p.s.pool
	}
	if jp := p.s.jobsPool(); jp != nil && name == jp.Name() {
		return jp
	}
	return nil
}

func (p poolSet) Stats(name string) (engine.Stats, bool) {
	pool := p.byName(name)
	if pool == nil {
		return engine.Stats{}, false
	}
	return pool.Stats(), true
}

func (p poolSet) Reset(ctx context.Context, name string) error {
	pool := p.byName(name)
	if pool == nil {
		return fmt.Errorf("no pool named %q (have %q)", name, p.Names())
	}
	start := time.Now()
	if err := pool.Reload(ctx, "rpc"); err != nil {
		p.s.log.Error("reset over RPC failed; the previous workers keep serving", "pool", name, "error", err.Error())
		return err
	}
	p.s.log.Info("workers reset over RPC", "pool", name, "duration_ms", time.Since(start).Milliseconds())
	return nil
}

// listenError explains the two usual reasons a port cannot be bound.
func listenError(key, addr string, err error) error {
	switch {
	case errors.Is(err, syscall.EADDRINUSE):
		return fmt.Errorf("%s %s is already in use (another phprun or server runs there); pick another with -o %s=... or in the config file: %w", key, addr, key, err)
	case errors.Is(err, syscall.EACCES):
		return fmt.Errorf("%s %s: permission denied (ports below 1024 need root or CAP_NET_BIND_SERVICE; use a port such as 8080): %w", key, addr, err)
	}
	return fmt.Errorf("%s %s: %w", key, addr, err)
}

// applyDotenv exports the .env variables the environment does not set, so
// workers see them too (a .env never overrides the real environment).
func applyDotenv(vars map[string]string) {
	for k, v := range vars {
		if _, ok := os.LookupEnv(k); !ok {
			os.Setenv(k, v)
		}
	}
}
