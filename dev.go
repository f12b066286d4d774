package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"time"

	"github.com/phprun/phprun/engine"
	"github.com/phprun/phprun/httpfront/access"
	"github.com/phprun/phprun/internal/config"
	"github.com/phprun/phprun/tui"
	"github.com/phprun/phprun/watch"
	"golang.org/x/sync/errgroup"
)

// DevCmd runs the development server.
type DevCmd struct {
	Debug bool `help:"Step-debug with Xdebug: a fresh worker per request, exec_ttl off, XDEBUG_MODE=debug and XDEBUG_SESSION for the workers (dev.debug)."`
}

// Run serves with the dashboard, reloads the workers when files change, and
// puts error texts into 500 responses. Without a terminal it logs like
// `serve` (and still reloads).
func (c DevCmd) Run(g *Globals, a *app) error {
	if c.Debug {
		g.debug = "true"
	}
	return runServer(g, a, true)
}

// newWatcher starts watching the project for `phprun dev` (before the
// workers boot, so a bad watch.dirs fails at once). The uploads directory is
// ignored: uploads land in the tree while requests run and are not code.
func newWatcher(cfg config.Config) (*watch.Watcher, error) {
	wc := cfg.Watch
	if up := cfg.HTTP.Uploads.Dir; up != "" {
		wc.Ignore = append(append([]string(nil), wc.Ignore...), filepath.Clean(up))
	}
	w, err := watch.New(".", wc)
	if err != nil {
		return nil, fmt.Errorf("watch: %w", err)
	}
	return w, nil
}

// watchAndReload reloads the workers after each batch of changed files and
// reports "N files changed → M workers reloaded in X ms". A failed reload
// keeps the old workers serving (the engine's promise); the next change
// retries. The reload's reason ("3 files changed") comes back on the
// engine's own reload events, so the dashboard's header reads
// "3 files changed → 6 workers reloaded in 182 ms" (see docs/dashboard.md).
func (s *server) watchAndReload(ctx context.Context) error {
	w := s.watcher
	s.log.Info(w.Info().String())
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return w.Run(gctx) })
	g.Go(func() error {
		for b := range w.Batches() {
			start := time.Now()
			why := changeReason(b.Paths)
			rctx, cancel := context.WithTimeout(gctx, s.lc.Config.ReloadTimeout())
			err := s.pool.Reload(rctx, why)
			if jp := s.jobsPool(); err == nil && jp != nil {
				err = jp.Reload(rctx, why) // dev reloads both pools
			}
			cancel()
			if errors.Is(err, engine.ErrPoolClosed) || gctx.Err() != nil {
				return nil
			}
			if err != nil {
				s.log.Error(fmt.Sprintf("%s changed → reload failed; the previous workers keep serving", files(len(b.Paths))),
					"files", b.Paths, "error", err.Error())
				continue
			}
			s.log.Info(fmt.Sprintf("%s changed → %d workers reloaded in %d ms", files(len(b.Paths)), newWorkers(s.pool.Stats()), time.Since(start).Milliseconds()),
				"files", b.Paths, "since_change_ms", time.Since(b.At).Milliseconds())
		}
		return nil
	})
	return g.Wait()
}

// changeReason is a reload's reason for a batch of changed files: the
// file's name when there is one ("1 file changed: src/x.php"), the count
// otherwise (the paths are in the log line that follows the reload).
func changeReason(paths []string) string {
	if len(paths) == 1 {
		return "1 file changed: " + paths[0]
	}
	return files(len(paths)) + " changed"
}

// newWorkers counts the workers of the current generation: right after a
// reload the snapshot may still list old workers that are stopping.
func newWorkers(st engine.Stats) int {
	n := 0
	for _, w := range st.Workers {
		if w.Generation == st.Generation {
			n++
		}
	}
	return n
}

func files(n int) string {
	if n == 1 {
		return "1 file"
	}
	return fmt.Sprintf("%d files", n)
}

// runDashboard shows the dashboard until the user quits (the dashboard
// calls Drain, which is the graceful shutdown) or a signal arrives.
func (s *server) runDashboard(ctx context.Context, events *engine.Subscription, logs *tui.LogFeed) error {
	runCtx, cancel := context.WithCancel(context.Background())
	defer cancel()
	g, gctx := errgroup.WithContext(runCtx)
	s.serve(g, runCtx)

	// a server loop failing ends the dashboard too
	uiCtx, uiCancel := context.WithCancel(ctx)
	defer uiCancel()
	go func() {
		select {
		case <-gctx.Done():
			uiCancel()
		case <-uiCtx.Done():
		}
	}()
	src := &tuiSource{s: s, events: events, logs: logs, info: s.dashboardInfo()}
	err := tui.Run(uiCtx, src, tui.Options{})
	// Closing the channel ends the dashboard's event reader; runServer's
	// own Unsubscribe afterwards is a no-op.
	s.bus.Unsubscribe(events)
	if errors.Is(err, tui.ErrForced) {
		s.forceStop()
		err = nil
	}
	shutdownErr := s.shutdown() // after the dashboard's Drain: waits for it and returns its result
	cancel()
	if gerr := g.Wait(); gerr != nil {
		return gerr
	}
	if err != nil {
		return err
	}
	return shutdownErr
}

func (s *server) dashboardInfo() tui.Info {
	mode := "serve"
	if s.dev {
		mode = "dev"
	}
	info := tui.Info{URL: "http://" + s.front.Addr(), Version: version, Mode: mode, PHPVersion: s.php.Version(),
		Debug: s.dev && s.lc.Config.Dev.Debug, Boot: s.boot}
	if s.watcher != nil {
		info.Watch = watchSummary(s.watcher.Info())
	}
	s.pluginInfo(&info)
	return info
}

// watchSummary is the header's short form of watch.Info:
// "fsnotify · 23 files", "poll 1s (forced by watch.poll) · 23 files".
func watchSummary(i watch.Info) string {
	how := string(i.Method)
	if i.Method == watch.MethodPoll {
		how += " " + i.Interval.String()
		if i.Reason != "" {
			how += " (" + i.Reason + ")"
		}
	}
	return how + " · " + files(i.Files)
}

// tuiSource is the dashboard's view of the running server.
type tuiSource struct {
	s      *server
	events *engine.Subscription
	logs   *tui.LogFeed // phprun's own records (serve.go's sink handler)
	info   tui.Info

	mu      sync.Mutex      // guards scratch
	scratch []access.Record // Requests' buffer, kept between polls
}

var _ tui.DropCounter = (*tuiSource)(nil)

func (t *tuiSource) Stats() []engine.Stats {
	if jp := t.s.jobsPool(); jp != nil {
		return []engine.Stats{t.s.pool.Stats(), jp.Stats()}
	}
	return []engine.Stats{t.s.pool.Stats()}
}

func (t *tuiSource) Events() <-chan engine.Event { return t.events.C }

func (t *tuiSource) Logs() <-chan tui.LogRecord { return t.logs.C() }

// Requests copies the new access records out of the ring through a buffer
// that is kept between polls: every request takes the ring's lock to add
// its record, so the lock is never held while a buffer grows (an
// allocation, perhaps a GC assist); the caller's copy is made after.
func (t *tuiSource) Requests(since uint64, dst []access.Record) ([]access.Record, uint64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	var next uint64
	t.scratch, next = t.s.access.Since(since, t.scratch[:0])
	return append(dst, t.scratch...), next
}

func (t *tuiSource) ResetWorker(pid int) error {
	ctx, cancel := context.WithTimeout(context.Background(), t.s.lc.Config.ReloadTimeout())
	defer cancel()
	err := t.s.pool.ResetWorker(ctx, pid)
	if jp := t.s.jobsPool(); jp != nil && errors.Is(err, engine.ErrNoSuchWorker) {
		return jp.ResetWorker(ctx, pid) // a jobs worker
	}
	return err
}

func (t *tuiSource) ResetAll() error {
	return t.s.reload("key R")
}

// Drain is the graceful shutdown. It is once-guarded (server.shutdown):
// runDashboard calls shutdown again after the dashboard returns, and that
// call only waits for this one and returns the same result.
func (t *tuiSource) Drain() error { return t.s.shutdown() }

// EventsDropped implements tui.DropCounter: events and log records the
// dashboard missed because its buffers were full (neither the bus nor the
// log feed waits for it).
func (t *tuiSource) EventsDropped() uint64 { return t.events.Dropped() + t.logs.Dropped() }

// Info is the header's facts; the PHP version appears once the probe
// that runs after boot has learned it.
func (t *tuiSource) Info() tui.Info {
	info := t.info
	if info.PHPVersion == "" {
		info.PHPVersion = t.s.php.Version()
	}
	return info
}
