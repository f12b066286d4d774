package metrics

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sort"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Plugin is the running metrics plugin: one registry, the /metrics
// endpoint and the app collectors.
type Plugin struct {
	cfg Config
	reg *prometheus.Registry
	log *slog.Logger

	mu  sync.Mutex
	app map[string]*appMetric // guarded by mu; RPC name → collector

	srv *http.Server
	ln  net.Listener // set by Listen
}

// New builds the registry with the Go runtime, process and promhttp
// collectors and the collectors of cfg.Collect. A collector client_golang
// rejects (bad name or labels) fails New with the key that declared it.
func New(cfg Config, log *slog.Logger) (*Plugin, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	p := &Plugin{cfg: cfg, reg: prometheus.NewRegistry(), log: log, app: map[string]*appMetric{}}
	if err := p.reg.Register(collectors.NewGoCollector()); err != nil {
		return nil, fmt.Errorf("metrics: %w", err)
	}
	if err := p.reg.Register(collectors.NewProcessCollector(collectors.ProcessCollectorOpts{})); err != nil {
		return nil, fmt.Errorf("metrics: %w", err)
	}
	names := make([]string, 0, len(cfg.Collect))
	for n := range cfg.Collect {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if err := p.declare(n, cfg.Collect[n]); err != nil {
			return nil, fmt.Errorf("metrics.collect.%s: %w", n, err)
		}
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.InstrumentMetricHandler(p.reg,
		promhttp.HandlerFor(p.reg, promhttp.HandlerOpts{ErrorLog: slogPrinter{log}})))
	p.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	return p, nil
}

// slogPrinter hands promhttp's error lines to slog.
type slogPrinter struct{ log *slog.Logger }

func (s slogPrinter) Println(v ...any) { s.log.Warn("metrics: " + fmt.Sprint(v...)) }

// Register adds a collector of phprun's own (the rr_* pool and HTTP
// metrics, and later the jobs plugin's) to the registry.
func (p *Plugin) Register(c prometheus.Collector) error {
	if err := p.reg.Register(c); err != nil {
		return fmt.Errorf("metrics: register: %w", err)
	}
	return nil
}

// Gatherer is the registry, for tests and the dashboard.
func (p *Plugin) Gatherer() prometheus.Gatherer { return p.reg }

// Listen binds metrics.address, so that a taken port fails start-up.
func (p *Plugin) Listen() error {
	ln, err := net.Listen("tcp", p.cfg.Address)
	if err != nil {
		return err
	}
	p.ln = ln
	return nil
}

// Addr is the bound address ("" before Listen).
func (p *Plugin) Addr() string {
	if p.ln == nil {
		return ""
	}
	return p.ln.Addr().String()
}

// Serve serves /metrics until Shutdown; a graceful stop returns nil.
func (p *Plugin) Serve() error {
	if err := p.srv.Serve(p.ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("metrics: serve: %w", err)
	}
	return nil
}

// Shutdown stops the endpoint, waiting for scrapes in flight until ctx ends.
func (p *Plugin) Shutdown(ctx context.Context) error {
	if err := p.srv.Shutdown(ctx); err != nil {
		return fmt.Errorf("metrics: shutdown: %w", err)
	}
	return nil
}

// declare registers an app collector under its RPC name. Declaring a name
// again with the same type, labels and prefix is a no-op (RoadRunner
// answers true too); with another shape it is an error, and nothing changes.
func (p *Plugin) declare(name string, spec Collector) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if old, ok := p.app[name]; ok {
		if sameShape(old.spec, spec) {
			return nil
		}
		return fmt.Errorf("collector `%s` is already declared as %s; cannot declare it as %s (Unregister it first)", name, describe(old.spec), describe(spec))
	}
	col, err := build(name, spec)
	if err != nil {
		return err
	}
	if err := p.reg.Register(col); err != nil {
		return err
	}
	p.app[name] = &appMetric{spec: spec, col: col}
	return nil
}

// lookup returns an app collector by RPC name.
func (p *Plugin) lookup(name string) (*appMetric, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	m, ok := p.app[name]
	return m, ok
}

// unregister removes an app collector.
func (p *Plugin) unregister(name string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	m, ok := p.app[name]
	if !ok {
		return false
	}
	p.reg.Unregister(m.col)
	delete(p.app, name)
	return true
}
