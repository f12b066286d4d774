package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/phprun/phprun/engine"
	"github.com/phprun/phprun/tui"
	"github.com/phprun/phprun/watch"
	"golang.org/x/sync/errgroup"
)

// DevCmd runs the development server.
type DevCmd struct{}

// Run serves with the dashboard, reloads the workers when files change, and
// puts error texts into 500 responses. Without a terminal it logs like
// `serve` (and still reloads).
func (DevCmd) Run(g *Globals, a *app) error { return runServer(g, a, true) }

// newWatcher starts watching the project for `phprun dev` (before the
// workers boot, so a bad watch.dirs fails at once). The uploads directory is
// ignored: uploads land in the tree while requests run and are not code.
func newWatcher(cfg Config) (*watch.Watcher, error) {
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
// retries.
func (s *server) watchAndReload(ctx context.Context) error {
	w := s.watcher
	s.log.Info(w.Info().String())
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return w.Run(gctx) })
	g.Go(func() error {
		for b := range w.Batches() {
			start := time.Now()
			rctx, cancel := context.WithTimeout(gctx, positive(s.lc.Config.HTTP.Pool.ResetTimeout, time.Minute)+30*time.Second)
			err := s.pool.Reload(rctx)
			cancel()
			if errors.Is(err, engine.ErrPoolClosed) || gctx.Err() != nil {
				return nil
			}
			if err != nil {
				s.log.Error(fmt.Sprintf("%s changed → reload failed; the previous workers keep serving", files(len(b.Paths))),
					"files", b.Paths, "error", err.Error())
				continue
			}
			st := s.pool.Stats()
			n := 0
			for _, wi := range st.Workers {
				if wi.Generation == st.Generation {
					n++
				}
			}
			s.log.Info(fmt.Sprintf("%s changed → %d workers reloaded in %d ms", files(len(b.Paths)), n, time.Since(start).Milliseconds()),
				"files", b.Paths, "since_change_ms", time.Since(b.At).Milliseconds())
		}
		return nil
	})
	return g.Wait()
}

func files(n int) string {
	if n == 1 {
		return "1 file"
	}
	return fmt.Sprintf("%d files", n)
}

// runDashboard shows the dashboard until the user quits (the dashboard
// calls Drain, which is the graceful shutdown) or a signal arrives.
func (s *server) runDashboard(ctx context.Context, events *engine.Subscription) error {
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
	src := &tuiSource{s: s, events: events, info: s.dashboardInfo()}
	err := tui.Run(uiCtx, src, tui.Options{})
	if errors.Is(err, tui.ErrForced) {
		s.forceStop()
		err = nil
	}
	shutdownErr := s.shutdown()
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
	info := tui.Info{URL: "http://" + s.front.Addr(), Version: version, Mode: mode, PHPVersion: s.php}
	if s.watcher != nil {
		info.Watch = "inotify"
		if s.watcher.Info().Method == watch.MethodPoll {
			info.Watch = "polling"
		}
	}
	return info
}

// tuiSource is the dashboard's view of the running server.
type tuiSource struct {
	s      *server
	events *engine.Subscription
	info   tui.Info
}

func (t *tuiSource) Stats() []engine.Stats { return []engine.Stats{t.s.pool.Stats()} }

func (t *tuiSource) Events() <-chan engine.Event { return t.events.C }

func (t *tuiSource) Requests(since uint64, dst []engine.AccessRecord) ([]engine.AccessRecord, uint64) {
	return t.s.access.Since(since, dst)
}

func (t *tuiSource) ResetWorker(pid int) error {
	ctx, cancel := context.WithTimeout(context.Background(), positive(t.s.lc.Config.HTTP.Pool.ResetTimeout, time.Minute)+10*time.Second)
	defer cancel()
	return t.s.pool.ResetWorker(ctx, pid)
}

func (t *tuiSource) ResetAll() error { return t.s.reload("dashboard") }

func (t *tuiSource) Drain() error { return t.s.shutdown() }

func (t *tuiSource) Info() tui.Info { return t.info }
