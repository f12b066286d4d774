package main

import (
	"context"
	"fmt"
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

// jobsRunner is the jobs plugin as main runs it: the plugin and its own
// worker pool (RR_MODE=jobs). Both are set once by startJobs.
type jobsRunner struct {
	plugin *jobs.Plugin
	pool   *engine.Pool
	recent *jobsRing // finished jobs, for the dashboard; nil when headless

	draining atomic.Bool // set when the shutdown starts: /ready turns 503
}

// jobDrivers are the registered pipeline drivers, fresh for each run
// (boltdb's opener shares files among the run's pipelines).
func jobDrivers() map[string]jobs.Constructor {
	return map[string]jobs.Constructor{memory.Name: memory.Open, boltdb.Name: boltdb.NewOpener().Open,
		amqp.Name: amqp.Open, nats.Name: nats.Open}
}

// startJobs starts the jobs pool and plugin when the config has a jobs
// section, and registers the jobs RPC service. Nothing is left running
// on error.
func (s *server) startJobs(ctx context.Context, rpcAddr string) error {
	if !s.lc.Present["jobs"] {
		return nil
	}
	cfg := s.lc.Config
	ec := cfg.JobsEngine(rpcAddr)
	ec.Version = version
	pool, err := engine.New(ctx, ec, s.bus)
	if err != nil {
		return fmt.Errorf("start jobs workers (%s): %w", commandLine(ec), err)
	}
	r := &jobsRunner{pool: pool}
	deps := jobs.Deps{Drivers: jobDrivers(), Globals: map[string]map[string]any{amqp.Name: cfg.AMQP.Map(), nats.Name: cfg.NATS.Map()}, Pool: pool, Pollers: ec.Pool.NumWorkers + 2, Log: s.log}
	if s.access != nil { // the dashboard runs: keep finished jobs for its Jobs pane
		r.recent = newJobsRing(512)
		deps.OnFinish = r.recent.add
	}
	closePool := func() {
		cctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = pool.Close(cctx)
	}
	if r.plugin, err = jobs.New(cfg.Jobs, deps); err != nil {
		closePool()
		return err
	}
	if err := r.plugin.Start(ctx); err != nil {
		closePool()
		return err
	}
	if s.rpcSrv != nil {
		if err := s.rpcSrv.Register("jobs", r.plugin.Service()); err != nil {
			_ = r.plugin.Stop(ctx)
			closePool()
			return err
		}
	}
	s.jobs = r
	return nil
}

// stopJobs stops polling, lets running jobs finish within
// jobs.pool.destroy_timeout, requeues what was taken but not run, stops
// the drivers and then the jobs pool.
func (s *server) stopJobs() error {
	if s.jobs == nil {
		return nil
	}
	s.jobs.draining.Store(true)
	ctx, cancel := s.step(s.lc.Config.Jobs.Pool.DestroyTimeout)
	defer cancel()
	err := s.jobs.plugin.Stop(ctx)
	if cerr := s.jobs.pool.Close(ctx); cerr != nil && err == nil {
		err = cerr
	}
	return err
}

// jobsChecker reports the jobs pool on /health and /ready.
type jobsChecker struct{ s *server }

func (c jobsChecker) PluginName() string { return "jobs" }

func (c jobsChecker) Health() (int, string) {
	r := c.s.jobs
	if r == nil {
		return http.StatusServiceUnavailable, "jobs pool not started"
	}
	st := r.pool.Counts()
	if st.Count(engine.StateReady)+st.Count(engine.StateWorking) > 0 {
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
func (c jobsChecker) Ready() (int, string) {
	if r := c.s.jobs; r != nil && r.draining.Load() {
		return http.StatusServiceUnavailable, "service is shutting down"
	}
	return c.Health()
}

// jobsPool returns the jobs pool, nil without a jobs section.
func (s *server) jobsPool() *engine.Pool {
	if s.jobs == nil {
		return nil
	}
	return s.jobs.pool
}

// informerJobs answers informer.Jobs: the pipelines, for the "jobs" plugin.
func (s *server) informerJobs(plugin string) []rpc.JobState {
	if s.jobs == nil || plugin != "jobs" {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var out []rpc.JobState
	for _, st := range s.jobs.plugin.Stats(ctx) {
		out = append(out, rpc.JobState{Pipeline: st.Pipeline, Driver: st.Driver, Queue: st.Queue, Active: st.Active,
			Delayed: st.Delayed, Reserved: st.Reserved, Ready: st.Ready, Priority: uint64(st.Priority), ErrorMessage: st.Error})
	}
	return out
}
