package config

import (
	"github.com/phprun/phprun/engine"
	"github.com/phprun/phprun/httpfront"
)

// HTTPConfig is the `http` section as users write it: httpfront's keys plus
// `http.pool`, which belongs to the engine. The two packages validate their
// own parts; only the file layout joins them.
type HTTPConfig struct {
	httpfront.Config `koanf:",squash"`
	// Pool is http.pool: the PHP workers behind the HTTP front.
	Pool engine.PoolConfig `koanf:"pool"`
}

// DefaultHTTPConfig returns the http defaults, pool included.
func DefaultHTTPConfig() HTTPConfig {
	return HTTPConfig{Config: httpfront.DefaultConfig(), Pool: engine.DefaultPoolConfig()}
}

// Validate checks httpfront's part of the section; http.pool is checked
// with server by the engine (see Config.Validate).
func (h HTTPConfig) Validate() error { return h.Config.Validate() }
