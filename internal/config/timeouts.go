package config

import (
	"errors"
	"time"

	"github.com/phprun/phprun/internal/fielderr"
)

// TimeoutsConfig is phprun's own `timeouts` section: the bounds phprun puts
// on its own waits that no other section's key already gives (a pool's
// destroy_timeout, a service's timeout_stop_sec). They are keys, not
// constants in the code, so each default is written once (DefaultTimeouts)
// and a user on a slow machine or behind a slow broker can raise one.
type TimeoutsConfig struct {
	// RPCCall bounds one call of the CLI commands to a running server
	// (`phprun workers`, the pool list of `phprun reset`, `phprun kv`).
	RPCCall time.Duration `koanf:"rpc_call"`
	// RPCControl bounds a CLI call that waits for the server to stop or
	// reload processes (`phprun reset`, `phprun services restart/stop`),
	// which the server itself bounds by reset_timeout or timeout_stop_sec.
	RPCControl time.Duration `koanf:"rpc_control"`
	// AuxShutdown bounds closing the RPC, status and metrics servers on
	// shutdown; they hold no user requests worth a longer wait.
	AuxShutdown time.Duration `koanf:"aux_shutdown"`
	// JobsStats bounds the pipelines query of the RPC informer
	// (`phprun workers jobs`), which may ask a broker.
	JobsStats time.Duration `koanf:"jobs_stats"`
	// DashboardQuery bounds the dashboard's pipelines query on each redraw,
	// short so that a slow broker does not freeze the screen.
	DashboardQuery time.Duration `koanf:"dashboard_query"`
	// PHPVersion bounds the `php -r 'echo PHP_VERSION;'` probe behind the
	// dashboard header and the start-up log.
	PHPVersion time.Duration `koanf:"php_version"`
	// ServiceStopSlack is added to the longest timeout_stop_sec when
	// phprun stops its services: time to deliver SIGKILL and reap.
	ServiceStopSlack time.Duration `koanf:"service_stop_slack"`
	// WorkersRefresh is how often `phprun workers -i` redraws; a second,
	// as `rr workers -i` does.
	WorkersRefresh time.Duration `koanf:"workers_refresh"`
}

// DefaultTimeouts returns the timeouts section's defaults.
func DefaultTimeouts() TimeoutsConfig {
	return TimeoutsConfig{
		RPCCall:          30 * time.Second,
		RPCControl:       10 * time.Minute,
		AuxShutdown:      5 * time.Second,
		JobsStats:        5 * time.Second,
		DashboardQuery:   time.Second,
		PHPVersion:       2 * time.Second,
		ServiceStopSlack: 2 * time.Second,
		WorkersRefresh:   time.Second,
	}
}

// Validate wants every timeout positive: zero would fail each wait at once.
func (t TimeoutsConfig) Validate() error {
	def := DefaultTimeouts()
	var errs []error
	for _, f := range []struct {
		key      string
		got, def time.Duration
	}{
		{"rpc_call", t.RPCCall, def.RPCCall},
		{"rpc_control", t.RPCControl, def.RPCControl},
		{"aux_shutdown", t.AuxShutdown, def.AuxShutdown},
		{"jobs_stats", t.JobsStats, def.JobsStats},
		{"dashboard_query", t.DashboardQuery, def.DashboardQuery},
		{"php_version", t.PHPVersion, def.PHPVersion},
		{"service_stop_slack", t.ServiceStopSlack, def.ServiceStopSlack},
		{"workers_refresh", t.WorkersRefresh, def.WorkersRefresh},
	} {
		if f.got <= 0 {
			errs = append(errs, fielderr.New("timeouts."+f.key, "must be a positive duration such as %v, got %v", f.def, f.got))
		}
	}
	return errors.Join(errs...)
}
