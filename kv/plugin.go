package kv

import (
	"context"
	"errors"
	"fmt"
)

// Plugin is the running kv plugin: the storages opened from a Config.
// Storages are opened once at start-up and never change, so the map is
// read without a lock by concurrent RPC calls.
type Plugin struct {
	storages map[string]*storage // read-only after Open
	names    []string
	drivers  map[string]string // storage name → driver name, for the dashboard
}

// storage is one opened storage and its limits.
type storage struct {
	Storage
	maxValue int
}

// Open opens every storage of cfg with its driver. On failure the storages
// already opened are closed again and the error names the storage.
func Open(ctx context.Context, cfg Config, drivers map[string]Driver) (*Plugin, error) {
	if err := cfg.Validate(drivers); err != nil {
		return nil, err
	}
	p := &Plugin{storages: make(map[string]*storage, len(cfg)), names: cfg.Names(), drivers: make(map[string]string, len(cfg))}
	for _, name := range p.names {
		sc := cfg[name]
		st, err := drivers[sc.Driver].Open(ctx, name, sc.Config)
		if err != nil {
			_ = p.Close()
			return nil, fmt.Errorf("kv: open storage %s (driver %s): %w", name, sc.Driver, err)
		}
		limit := sc.MaxValueSize
		if limit == 0 {
			limit = DefaultMaxValueSize
		}
		p.storages[name] = &storage{Storage: st, maxValue: limit}
		p.drivers[name] = sc.Driver
	}
	return p, nil
}

// Service returns the RPC receiver to register as "kv".
func (p *Plugin) Service() *Service { return &Service{p: p} }

// Names returns the storage names, sorted.
func (p *Plugin) Names() []string { return p.names }

// Driver returns the driver name of a storage ("" if there is none).
func (p *Plugin) Driver(name string) string { return p.drivers[name] }

// Storage returns a storage by name, for callers inside phprun.
func (p *Plugin) Storage(name string) (Storage, bool) {
	st, ok := p.storages[name]
	if !ok {
		return nil, false
	}
	return st.Storage, true
}

// Close closes every storage and returns their errors joined.
func (p *Plugin) Close() error {
	var errs []error
	for _, name := range p.names {
		if st, ok := p.storages[name]; ok {
			if err := st.Close(); err != nil {
				errs = append(errs, fmt.Errorf("kv: close storage %s: %w", name, err))
			}
		}
	}
	return errors.Join(errs...)
}
