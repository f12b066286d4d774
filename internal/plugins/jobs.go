// Package plugins runs the optional plugins of a server for package main:
// each is started from its config section with what it needs handed in
// (pools, bus, logger, RPC server), and offers what the rest of the server
// reads (health, RPC informer, dashboard pane, metrics). Package main keeps
// the order of start and stop; the plugins' own packages (jobs, kv,
// metrics, service) know nothing of each other or of the dashboard.
package plugins

import (
	"context"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/phprun/phprun/engine"
	"github.com/phprun/phprun/jobs"
	"github.com/phprun/phprun/jobs/amqp"
	"github.com/phprun/phprun/jobs/boltdb"
	"github.com/phprun/phprun/jobs/memory"
	"github.com/phprun/phprun/jobs/nats"
	"github.com/phprun/phprun/rpc"
)

// Jobs is the jobs plugin as the server runs it: the plugin and its own
// worker pool (RR_MODE=jobs). Both are set once by StartJobs.
type Jobs struct {
	Plugin *jobs.Plugin
	Pool   *engine.Pool
	recent *jobsRing // finished jobs, for the dashboard; nil when headless

	draining atomic.Bool // set when the shutdown starts: /ready turns 503
}

// JobsOptions is what StartJobs needs besides the config section.
type JobsOptions struct {
	// Globals are the top-level broker sections by driver name (amqp, nats).
	Globals map[string]map[string]any
	Log     *slog.Logger
	// KeepFinished keeps the last finished jobs for the dashboard.
	KeepFinished bool
	// RPC, when not nil, gets the jobs service.
	RPC *rpc.Server
}

// jobDrivers are the registered pipeline drivers, fresh for each run
// (boltdb's opener shares files among the run's pipelines).
func jobDrivers() map[string]jobs.Constructor {
	return map[string]jobs.Constructor{memory.Name: memory.Open, boltdb.Name: boltdb.NewOpener().Open,
		amqp.Name: amqp.Open, nats.Name: nats.Open}
}

// StartJobs starts the jobs plugin on pool (started by the caller) and
// registers the jobs RPC service. On error nothing is left running: the
// pool is closed too, within its destroy_timeout.
func StartJobs(ctx context.Context, cfg jobs.Config, pool *engine.Pool, o JobsOptions) (*Jobs, error) {
	j := &Jobs{Pool: pool}
	deps := jobs.Deps{Drivers: jobDrivers(), Globals: o.Globals, Pool: pool, Pollers: pool.Config().Pool.NumWorkers + 2, Workers: pool.Config().Pool.NumWorkers, Log: o.Log}
	if o.KeepFinished { // the dashboard runs: keep finished jobs for its Jobs pane
		j.recent = newJobsRing(512)
		deps.OnFinish = j.recent.add
	}
	closePool := func() {
		cctx, cancel := context.WithTimeout(context.Background(), pool.Config().Pool.DestroyTimeout)
		defer cancel()
		_ = pool.Close(cctx)
	}
	var err error
	if j.Plugin, err = jobs.New(cfg, deps); err != nil {
		closePool()
		return nil, err
	}
	if err := j.Plugin.Start(ctx); err != nil {
		closePool()
		return nil, err
	}
	if o.RPC != nil {
		if err := o.RPC.Register("jobs", j.Plugin.Service()); err != nil {
			_ = j.Plugin.Stop(ctx)
			closePool()
			return nil, err
		}
	}
	return j, nil
}

// Stop stops polling, lets running jobs finish within ctx, requeues what
// was taken but not run, stops the drivers and then the jobs pool.
func (j *Jobs) Stop(ctx context.Context) error {
	j.draining.Store(true)
	err := j.Plugin.Stop(ctx)
	if cerr := j.Pool.Close(ctx); cerr != nil && err == nil {
		err = cerr
	}
	return err
}

// JobsChecker reports the jobs pool on /health and /ready. The checker is
// made before the plugin starts, so it asks Jobs each time (nil until then).
type JobsChecker struct{ Jobs func() *Jobs }

// PluginName is "jobs", for /health?plugin=jobs.
func (c JobsChecker) PluginName() string { return "jobs" }

// Health is 200 while a jobs worker is alive.
func (c JobsChecker) Health() (int, string) {
	j := c.Jobs()
	if j == nil {
		return http.StatusServiceUnavailable, "jobs pool not started"
	}
	st := j.Pool.Counts()
	if st.Alive() {
		return http.StatusOK, ""
	}
	if st.BootError != "" {
		return http.StatusServiceUnavailable, "no jobs workers alive: " + st.BootError
	}
	return http.StatusServiceUnavailable, "no jobs workers alive"
}

// Ready: jobs workers busy with jobs are still ready to consume (a queue
// is expected to keep them busy), so only a dead pool or a shutdown is
// not ready.
func (c JobsChecker) Ready() (int, string) {
	if j := c.Jobs(); j != nil && j.draining.Load() {
		return http.StatusServiceUnavailable, "service is shutting down"
	}
	return c.Health()
}

// Informer answers informer.Jobs: the pipelines, for the "jobs" plugin,
// each query bounded by timeout (timeouts.jobs_stats).
func (j *Jobs) Informer(plugin string, timeout time.Duration) []rpc.JobState {
	if j == nil || plugin != "jobs" {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	var out []rpc.JobState
	for _, st := range j.Plugin.Stats(ctx) {
		out = append(out, rpc.JobState{Pipeline: st.Pipeline, Driver: st.Driver, Queue: st.Queue, Active: st.Active,
			Delayed: st.Delayed, Reserved: st.Reserved, Ready: st.Ready, Priority: uint64(st.Priority), ErrorMessage: st.Error})
	}
	return out
}
