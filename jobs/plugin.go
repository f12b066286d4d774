package jobs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/phprun/phprun/engine"
)

// Pool is what the plugin needs of its worker pool (the engine's jobs
// pool, RR_MODE=jobs).
type Pool interface {
	Exec(ctx context.Context, pl engine.Payload) (*engine.Response, error)
}

// Deps is what main hands the plugin.
type Deps struct {
	// Drivers are the registered driver constructors by driver name.
	Drivers map[string]Constructor
	// Globals are the top-level sections named after drivers (`amqp:`,
	// `nats:`), passed to their constructors.
	Globals map[string]map[string]any
	// Pool runs the jobs.
	Pool Pool
	// Pollers is how many goroutines feed the pool: RoadRunner runs
	// pool.num_workers + 2. Default 3.
	Pollers int
	// Workers is the jobs pool's size, which batches are shared out by
	// (batch.go). Default Pollers − 2.
	Workers int
	// Log receives pipeline events and one line per failed job.
	Log *slog.Logger
	// OnFinish, when set, is called after each job with its outcome (the
	// dashboard's log of finished jobs). It must not block.
	OnFinish func(Finished)
}

// Plugin is the jobs plugin: its pipelines, the shared priority queue and
// the pollers that feed the jobs pool.
type Plugin struct {
	cfg  Config
	deps Deps
	log  *slog.Logger
	q    *pqueue

	mu    sync.Mutex
	pipes map[string]*pipe // guarded by mu
	// gen changes whenever a pipeline is added or removed, so pollers
	// know their cached driver names may be stale (tagCache).
	gen atomic.Uint64

	counters counters // rr_jobs_* figures; see Counters

	bpool    BatchPool    // deps.Pool when it runs batches and jobs.batch > 1, else nil
	jobNanos atomic.Int64 // recent time per job on the pool, ns (batch.go)
	names    nameTimes    // time per job by job name (nametimes.go)

	stopPoll context.CancelFunc // set by Start
	pollers  sync.WaitGroup     // one per poller goroutine
	retries  sync.WaitGroup     // pipelines waiting for their broker
	quit     chan struct{}      // closed by Stop: retries give up
	stopOnce sync.Once
}

// pipe is one pipeline: its config and, once opened, its driver.
type pipe struct {
	cfg       Pipeline
	d         Driver // nil while its broker is unreachable (retrying)
	consuming bool   // asked to consume (in consume, or resumed)
	pushes    *pushStats
}

// New checks cfg and returns a plugin that has opened nothing yet.
func New(cfg Config, deps Deps) (*Plugin, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if deps.Pool == nil {
		return nil, errors.New("jobs: no worker pool")
	}
	if deps.Pollers <= 0 {
		deps.Pollers = 3
	}
	log := deps.Log
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if deps.Workers <= 0 {
		deps.Workers = max(deps.Pollers-2, 1)
	}
	p := &Plugin{cfg: cfg, deps: deps, log: log, q: newPQueue(), pipes: map[string]*pipe{}, quit: make(chan struct{})}
	if cfg.Batch > 1 {
		p.bpool, _ = deps.Pool.(BatchPool)
	}
	return p, nil
}

// Start opens every configured pipeline, starts consuming those in
// `consume` and starts the pollers. A pipeline whose broker is down is
// retried in the background with back-off; Start still succeeds. Any
// other failure (an unregistered driver, bad driver keys) stops what was
// opened and is returned.
func (p *Plugin) Start(ctx context.Context) error {
	names := make([]string, 0, len(p.cfg.Pipelines))
	for n := range p.cfg.Pipelines {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		pc := p.cfg.Pipelines[n]
		pl := Pipeline{Name: n, Driver: pc.Driver, Config: pc.Config}
		if err := p.add(ctx, pl, p.consumes(n)); err != nil {
			_ = p.stopDrivers(ctx)
			return fmt.Errorf("jobs: pipeline %s: %w", n, err)
		}
	}
	pctx, cancel := context.WithCancel(context.Background())
	p.stopPoll = cancel
	for range p.deps.Pollers {
		p.pollers.Add(1)
		go p.poll(pctx)
	}
	return nil
}

func (p *Plugin) consumes(name string) bool {
	for _, c := range p.cfg.Consume {
		if c == name {
			return true
		}
	}
	return false
}

// errExists: Declare of a pipeline name already in use.
var errExists = errors.New("pipeline already exists")

// add opens pl's driver and registers it; consume starts it.
func (p *Plugin) add(ctx context.Context, pl Pipeline, consume bool) error {
	open, ok := p.deps.Drivers[pl.Driver]
	if !ok {
		return fmt.Errorf("driver %q is not available in this phprun (have %s)", pl.Driver, p.driverNames())
	}
	p.mu.Lock()
	if _, dup := p.pipes[pl.Name]; dup {
		p.mu.Unlock()
		return fmt.Errorf("%w, name: %s, driver: %s", errExists, pl.Name, pl.Driver)
	}
	pp := &pipe{cfg: pl, consuming: consume, pushes: p.counters.statsFor(pl)}
	p.pipes[pl.Name] = pp
	p.gen.Add(1)
	p.mu.Unlock()

	d, err := open(ctx, p.options(pl))
	if errors.Is(err, ErrUnavailable) {
		p.log.Error("jobs: broker unavailable; retrying in the background", "pipeline", pl.Name, "driver", pl.Driver, "error", err.Error())
		p.retries.Add(1)
		go p.retryOpen(pp, open)
		return nil
	}
	if err != nil {
		p.mu.Lock()
		delete(p.pipes, pl.Name)
		p.gen.Add(1)
		p.mu.Unlock()
		return err
	}
	return p.attach(ctx, pp, d)
}

func (p *Plugin) options(pl Pipeline) Options {
	return Options{Pipeline: pl, Queue: p.q, Log: p.log.With("pipeline", pl.Name), Global: p.deps.Globals[pl.Driver]}
}

// attach sets pp's driver and resumes it when pp consumes.
func (p *Plugin) attach(ctx context.Context, pp *pipe, d Driver) error {
	p.mu.Lock()
	pp.d = d
	consume := pp.consuming
	p.mu.Unlock()
	if consume {
		if err := d.Resume(ctx); err != nil {
			return fmt.Errorf("start consuming: %w", err)
		}
	}
	return nil
}

// retryOpen opens pp's driver with exponential back-off (1s to 30s)
// until it works or the plugin stops.
func (p *Plugin) retryOpen(pp *pipe, open Constructor) {
	defer p.retries.Done()
	wait := time.Second
	for {
		select {
		case <-p.quit:
			return
		case <-time.After(wait):
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		d, err := open(ctx, p.options(pp.cfg))
		if err == nil {
			err = p.attach(ctx, pp, d)
			cancel()
			if err == nil {
				p.log.Info("jobs: pipeline connected", "pipeline", pp.cfg.Name, "driver", pp.cfg.Driver)
				return
			}
		} else {
			cancel()
		}
		p.log.Error("jobs: broker still unavailable", "pipeline", pp.cfg.Name, "driver", pp.cfg.Driver, "error", err.Error(), "retry_in", (2 * wait).String())
		wait = min(2*wait, 30*time.Second)
	}
}

func (p *Plugin) driverNames() string {
	var out []string
	for n := range p.deps.Drivers {
		out = append(out, n)
	}
	sort.Strings(out)
	return fmt.Sprint(out)
}

// errNoPipeline names a pipeline that does not exist (RoadRunner's text).
func errNoPipeline(name string) error {
	return fmt.Errorf("no such pipeline, requested: %s", name)
}

// lookup returns the pipeline's driver, or why it cannot be used.
func (p *Plugin) lookup(name string) (*pipe, Driver, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	pp, ok := p.pipes[name]
	if !ok {
		return nil, nil, errNoPipeline(name)
	}
	if pp.d == nil {
		return pp, nil, fmt.Errorf("pipeline %s: %w (reconnecting)", name, ErrUnavailable)
	}
	return pp, pp.d, nil
}

// Stop shuts the plugin down: the pollers stop taking jobs, jobs already
// running finish (bounded by ctx: the pool's destroy_timeout), the jobs
// taken but not started are nacked with requeue so durable drivers deliver
// them again after a restart, and every driver stops. The memory driver's
// jobs are lost (documented). The caller closes the pool afterwards.
func (p *Plugin) Stop(ctx context.Context) error {
	var err error
	p.stopOnce.Do(func() {
		close(p.quit)
		if p.stopPoll != nil {
			p.stopPoll()
		}
		// A poller returns once its running job is settled; jobs still
		// running when ctx ends are cut when the caller closes the pool.
		done := make(chan struct{})
		go func() { p.pollers.Wait(); close(done) }()
		select {
		case <-done:
		case <-ctx.Done():
			p.log.Warn("jobs: stopping with jobs still running; their workers are stopped with the pool")
		}
		for _, d := range p.q.Drain() {
			_ = d.Nack(true, 0)
		}
		p.retries.Wait()
		err = p.stopDrivers(ctx)
	})
	return err
}

// stopDrivers stops every pipeline, jobs.options.parallelism at a time.
func (p *Plugin) stopDrivers(ctx context.Context) error {
	p.mu.Lock()
	var ds []Driver
	for _, pp := range p.pipes {
		if pp.d != nil {
			ds = append(ds, pp.d)
		}
	}
	p.mu.Unlock()
	return p.parallel(ds, func(d Driver) error { return d.Stop(ctx) })
}

// parallel runs f on each driver, jobs.options.parallelism at a time.
func (p *Plugin) parallel(ds []Driver, f func(Driver) error) error {
	n := p.cfg.Options.Parallelism
	if n <= 0 {
		n = 5
	}
	sem := make(chan struct{}, n)
	errs := make([]error, len(ds))
	var wg sync.WaitGroup
	for i, d := range ds {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			errs[i] = f(d)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}
