package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/phprun/phprun/kv"
	"github.com/phprun/phprun/kv/drivers"
)

// errKVNeedsRPC: PHP reaches kv storages over RR_RPC only.
var errKVNeedsRPC = errors.New("kv: storages are served over RPC; add an rpc section (rpc.listen: tcp://127.0.0.1:6001)")

// startKV opens the kv storages and registers the kv RPC service. It does
// nothing when the config has no kv section.
func (s *server) startKV(ctx context.Context) error {
	if len(s.lc.Config.KV) == 0 {
		return nil
	}
	if s.rpcSrv == nil {
		return errKVNeedsRPC
	}
	p, err := kv.Open(ctx, kv.Config(s.lc.Config.KV), drivers.All())
	if err != nil {
		return err
	}
	if err := s.rpcSrv.Register("kv", p.Service()); err != nil {
		_ = p.Close()
		return fmt.Errorf("kv: %w", err)
	}
	s.kv = p
	return nil
}

// stopKV closes the storages (after RPC stopped taking calls).
func (s *server) stopKV() error {
	if s.kv == nil {
		return nil
	}
	return s.kv.Close()
}

// kvSummary lists the storages with their drivers for the startup line:
// "cache (memory), shared (redis)".
func (s *server) kvSummary() string {
	var b strings.Builder
	for i, name := range s.kv.Names() {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s (%s)", name, s.kv.Driver(name))
	}
	return b.String()
}
