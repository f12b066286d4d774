package main

import (
	"context"
	"slices"

	"github.com/phprun/phprun/httpfront"
	"github.com/phprun/phprun/metrics"
	"github.com/phprun/phprun/tui"
)

// startMetrics builds the metrics plugin when the config has a metrics
// section, binds metrics.address, and registers the built-in collectors:
// the HTTP pool's rr_http_* gauges (read from Stats at scrape time) and,
// with http.middleware [http_metrics], the per-request counters, fed
// through opts.Observe (status and duration; the front builds no access
// record for them alone).
//
// Other plugins add their collectors with s.metrics.Register after this
// (the jobs plugin's rr_jobs_*), when s.metrics is not nil.
func (s *server) startMetrics(opts *httpfront.Options) error {
	cfg := s.lc.Config
	if !s.lc.Present["metrics"] {
		if slices.Contains(cfg.HTTP.Middleware, "http_metrics") {
			s.log.Warn("http.middleware http_metrics: no metrics section, so nothing is recorded; add metrics.address to serve /metrics")
		}
		return nil
	}
	p, err := metrics.New(cfg.Metrics, s.log)
	if err != nil {
		return err
	}
	if err := p.Listen(); err != nil {
		return listenError("metrics.address", cfg.Metrics.Address, err)
	}
	s.metrics = p
	if err := p.Register(metrics.NewPoolCollector("http", s.exec.Stats)); err != nil {
		return err
	}
	if slices.Contains(cfg.HTTP.Middleware, "http_metrics") {
		h := metrics.NewHTTPMetrics()
		if err := p.Register(h); err != nil {
			return err
		}
		opts.Observe = h.Record
	}
	return nil
}

// registerMetricsRPC publishes metrics.* on the RPC server, when both run.
func (s *server) registerMetricsRPC() error {
	if s.metrics == nil || s.rpcSrv == nil {
		return nil
	}
	return s.rpcSrv.Register("metrics", s.metrics.Service())
}

// metricsURL is the scrape URL for the startup line and the dashboard.
func (s *server) metricsURL() string {
	if s.metrics == nil {
		return ""
	}
	return "http://" + s.metrics.Addr() + "/metrics"
}

// stopMetrics stops the endpoint; called last, as metrics start first.
func (s *server) stopMetrics(ctx context.Context) error {
	if s.metrics == nil {
		return nil
	}
	return s.metrics.Shutdown(ctx)
}

// pluginInfo adds the kv storages and the metrics URL to the dashboard's
// header.
func (s *server) pluginInfo(info *tui.Info) {
	if s.kv != nil {
		info.KV = s.kvSummary()
	}
	info.Metrics = s.metricsURL()
}
