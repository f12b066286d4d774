package main

import (
	"context"
	"fmt"

	"github.com/phprun/phprun/engine"
	"github.com/phprun/phprun/internal/plugins"
	"github.com/phprun/phprun/jobs/amqp"
	"github.com/phprun/phprun/jobs/nats"
	"github.com/phprun/phprun/rpc"
	"github.com/phprun/phprun/service"
	"github.com/phprun/phprun/tui"
)

// startJobs starts the jobs pool and plugin (internal/plugins) when the
// config has a jobs section. Nothing is left running on error.
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
	s.jobs, err = plugins.StartJobs(ctx, cfg.Jobs, pool, plugins.JobsOptions{
		Globals:      map[string]map[string]any{amqp.Name: cfg.AMQP.Map(), nats.Name: cfg.NATS.Map()},
		Log:          s.log,
		KeepFinished: s.access != nil, // the dashboard runs
		RPC:          s.rpcSrv,
	})
	return err
}

// stopJobs stops the jobs plugin and pool within jobs.pool.destroy_timeout.
func (s *server) stopJobs() error {
	if s.jobs == nil {
		return nil
	}
	ctx, cancel := s.step(s.lc.Config.Jobs.Pool.DestroyTimeout)
	defer cancel()
	return s.jobs.Stop(ctx)
}

// jobsPool returns the jobs pool, nil without a jobs section.
func (s *server) jobsPool() *engine.Pool {
	if s.jobs == nil {
		return nil
	}
	return s.jobs.Pool
}

// informerJobs answers informer.Jobs.
func (s *server) informerJobs(plugin string) []rpc.JobState {
	return s.jobs.Informer(plugin, s.lc.Config.Timeouts.JobsStats)
}

// registerJobsMetrics adds the jobs collectors to /metrics, when both
// plugins run.
func (s *server) registerJobsMetrics() error {
	if s.metrics == nil || s.jobs == nil {
		return nil
	}
	return s.jobs.RegisterMetrics(s.metrics)
}

// The dashboard's Jobs pane reads the jobs plugin through tui.JobsSource.
var _ tui.JobsSource = (*tuiSource)(nil)

// JobsEnabled: the config has a jobs section.
func (t *tuiSource) JobsEnabled() bool { return t.s.jobs != nil }

// Pipelines lists the pipelines for the pane.
func (t *tuiSource) Pipelines() []tui.Pipeline {
	if t.s.jobs == nil {
		return nil
	}
	return t.s.jobs.Pipelines(t.s.lc.Config.Timeouts.DashboardQuery)
}

// FinishedJobs returns the last finished jobs, newest first.
func (t *tuiSource) FinishedJobs() []tui.FinishedJob {
	if t.s.jobs == nil {
		return nil
	}
	return t.s.jobs.Finished(64)
}

// PausePipeline pauses a pipeline from the dashboard.
func (t *tuiSource) PausePipeline(name string) error {
	return t.s.jobs.Plugin.Pause(context.Background(), name)
}

// ResumePipeline resumes a pipeline from the dashboard.
func (t *tuiSource) ResumePipeline(name string) error {
	return t.s.jobs.Plugin.Resume(context.Background(), name)
}

// startServices starts the processes of the service section (RoadRunner's
// service plugin) before the workers boot, as RoadRunner orders its
// plugins. A service that cannot start is reported and the rest of phprun
// runs anyway: it is not a reason to refuse to serve. The supervisor is
// created even with no services, so that service.Create over RPC works;
// the `service` RPC service is registered when the rpc section exists.
func (s *server) startServices() error {
	set := plugins.ServiceSet(s.lc.Config.Service, s.lc.Config.Dev.Services, s.dev)
	s.services = service.New(set, service.Options{Logger: s.log, Bus: s.bus})
	if s.rpcSrv != nil {
		if err := s.rpcSrv.Register("service", service.NewRPC(s.services)); err != nil {
			return err
		}
	}
	s.services.Start()
	if len(s.services.Names()) > 0 {
		s.log.Info("services started", "services", s.services.Names())
	}
	return nil
}

// stopServices stops every service after the workers (reverse order):
// SIGTERM, then SIGKILL after each one's timeout_stop_sec; a forced
// shutdown kills them at once.
func (s *server) stopServices() error {
	if s.services == nil {
		return nil
	}
	ctx, cancel := s.step(plugins.ServicesStopBound(s.services, s.lc.Config.Timeouts.ServiceStopSlack))
	defer cancel()
	return s.services.Close(ctx)
}

// stopServicesNow is the undo step of a failed start, bounded like a stop.
func (s *server) stopServicesNow() {
	ctx, cancel := context.WithTimeout(context.Background(), plugins.ServicesStopBound(s.services, s.lc.Config.Timeouts.ServiceStopSlack))
	defer cancel()
	_ = s.services.Close(ctx)
}

var _ tui.ServiceSource = (*tuiSource)(nil)

// Services is the dashboard's Services pane.
func (t *tuiSource) Services() []tui.ServiceInfo { return plugins.ServiceRows(t.s.services) }

// ServiceCommand runs the dashboard's r (restart) and s (stop/start) keys.
func (t *tuiSource) ServiceCommand(name string, cmd tui.ServiceCmd) error {
	return plugins.ServiceCommand(t.s.services, name, cmd)
}
