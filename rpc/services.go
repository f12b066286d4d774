package rpc

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"
)

// errNoWorkersManagement is RoadRunner's answer when a plugin cannot add or
// remove workers on request; PHP's WorkerPool shows it as is.
var errNoWorkersManagement = errors.New("plugin does not support workers management")

// informer is RoadRunner's "informer" service: which plugins have workers
// and what those workers are doing.
type informer struct {
	pools Pools
	jobs  func(plugin string) []JobState // nil: no jobs plugin
}

// List returns the names of the pools.
func (i *informer) List(_ bool, out *[]string) error {
	*out = nonNil(i.pools.Names())
	return nil
}

// Workers returns the workers of one pool. An unknown pool yields an empty
// list, not null: PHP's WorkerPool maps over it without a check.
func (i *informer) Workers(plugin string, out *WorkerList) error {
	out.Workers = []*ProcessState{}
	if st, ok := i.pools.Stats(plugin); ok {
		out.Workers = processStates(st)
	}
	return nil
}

// Jobs returns the jobs pipelines of a plugin (Options.Jobs). `rr
// workers` calls it for every plugin and shows an error row if it fails.
func (i *informer) Jobs(plugin string, out *[]*JobState) error {
	*out = []*JobState{}
	if i.jobs == nil {
		return nil
	}
	for _, js := range i.jobs(plugin) {
		*out = append(*out, &js)
	}
	return nil
}

// AddWorker is not supported: pool sizes come from the config.
func (i *informer) AddWorker(_ string, _ *bool) error { return errNoWorkersManagement }

// RemoveWorker is not supported: pool sizes come from the config.
func (i *informer) RemoveWorker(_ string, _ *bool) error { return errNoWorkersManagement }

// resetter is RoadRunner's "resetter" service: rolling reloads.
type resetter struct {
	pools Pools
	log   *slog.Logger
	stop  <-chan struct{} // closed when the server gives up draining
}

// List returns the pools that can be reset: all of them.
func (r *resetter) List(_ bool, out *[]string) error {
	*out = nonNil(r.pools.Names())
	return nil
}

// Reset reloads one pool and returns once the new workers serve. net/rpc
// gives methods no context, so the reset is cancelled only when the server
// stops waiting for calls; the engine bounds it by reset_timeout itself.
func (r *resetter) Reset(plugin string, out *bool) error {
	if !slices.Contains(r.pools.Names(), plugin) {
		return fmt.Errorf("no such plugin: %s", plugin)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-r.stop:
			cancel()
		case <-ctx.Done():
		}
	}()
	start := time.Now()
	r.log.Info("rpc: resetting pool", "pool", plugin)
	if err := r.pools.Reset(ctx, plugin); err != nil {
		r.log.Warn("rpc: reset failed", "pool", plugin, "error", err)
		return fmt.Errorf("reset %s: %w", plugin, err)
	}
	r.log.Info("rpc: pool reset", "pool", plugin, "took", time.Since(start).Round(time.Millisecond))
	*out = true
	return nil
}

// rpcService is RoadRunner's "rpc" service.
type rpcService struct {
	version string
	config  func() ([]byte, error)
}

// Version returns the server's version.
func (s *rpcService) Version(_ bool, out *string) error {
	*out = s.version
	return nil
}

// Config returns the effective configuration as JSON bytes (a base64
// string in a JSON reply, as in RoadRunner).
func (s *rpcService) Config(_ bool, out *[]byte) error {
	if s.config == nil {
		*out = []byte("{}")
		return nil
	}
	b, err := s.config()
	if err != nil {
		return fmt.Errorf("rpc: config: %w", err)
	}
	*out = b
	return nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
