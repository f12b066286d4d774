package config

import (
	"errors"
	"reflect"
	"runtime"
	"strings"
	"time"

	"github.com/phprun/phprun/engine"
	"github.com/phprun/phprun/httpfront"
	"github.com/phprun/phprun/internal/fielderr"
	"github.com/phprun/phprun/internal/logging"
	"github.com/phprun/phprun/jobs"
	jobsamqp "github.com/phprun/phprun/jobs/amqp"
	jobsnats "github.com/phprun/phprun/jobs/nats"
	"github.com/phprun/phprun/kv"
	"github.com/phprun/phprun/kv/drivers"
	"github.com/phprun/phprun/metrics"
	"github.com/phprun/phprun/rpc"
	"github.com/phprun/phprun/service"
	"github.com/phprun/phprun/watch"
)

// Config is the whole phprun.yaml (RoadRunner's version-3 layout plus
// phprun's own watch and dev sections). Each section's type belongs to the
// package that uses it; this struct only composes them, and its koanf tags
// are the key names users write. The loader derives the set of known keys
// (for "did you mean") and the expected types from these tags.
type Config struct {
	// Version is the config format; "3" is required ("2.7" loads with a warning).
	Version string `koanf:"version"`
	// Envfile names a .env file to load, relative to the config file
	// (RoadRunner's envfile); --dotenv and DOTENV_PATH win. Default "".
	Envfile string `koanf:"envfile"`
	// Server says how to start workers (command, env, relay).
	Server engine.ServerConfig `koanf:"server"`
	// RPC is the goridge RPC endpoint used by `phprun workers/reset` and PHP
	// (RR_RPC). Disabled unless the section is present.
	RPC rpc.Config `koanf:"rpc"`
	// HTTP is the front server with its worker pool (http.pool).
	HTTP HTTPConfig `koanf:"http"`
	// Status serves /health and /ready. Disabled unless status.address is set.
	Status httpfront.StatusConfig `koanf:"status"`
	// Logs controls phprun's own log output.
	Logs logging.Config `koanf:"logs"`
	// Watch says which files `phprun dev` watches for reloads.
	Watch watch.Config `koanf:"watch"`
	// Dev tunes `phprun dev`.
	Dev DevConfig `koanf:"dev"`
	// KV is RoadRunner's kv section: named storages. Default none.
	KV KVConfig `koanf:"kv"`
	// Metrics is RoadRunner's metrics section (Prometheus endpoint, app
	// metrics). Disabled unless the section is present.
	Metrics metrics.Config `koanf:"metrics"`
	// Jobs is RoadRunner's jobs plugin: pipelines and the jobs pool.
	// Disabled unless the section is present.
	Jobs jobs.Config `koanf:"jobs"`
	// AMQP is RoadRunner's top-level `amqp` section: the RabbitMQ address
	// of the amqp jobs pipelines.
	AMQP jobsamqp.GlobalConfig `koanf:"amqp"`
	// NATS is RoadRunner's top-level `nats` section: the NATS address of
	// the nats jobs pipelines.
	NATS jobsnats.GlobalConfig `koanf:"nats"`
	// Service is RoadRunner's service section: named processes phprun
	// supervises beside the workers. Default: none.
	Service service.Services `koanf:"service"`
	// Timeouts are phprun's bounds on its own waits (CLI calls, auxiliary
	// shutdown, probes).
	Timeouts TimeoutsConfig `koanf:"timeouts"`
}

// KVConfig is the kv section, checked against the drivers phprun offers
// (kv/drivers): kv.Config itself knows no driver.
type KVConfig kv.Config

// Validate checks every storage and its driver's keys.
func (c KVConfig) Validate() error { return kv.Config(c).Validate(drivers.All()) }

// DevConfig is phprun's own `dev` section, read only by `phprun dev`.
type DevConfig struct {
	// Workers is the pool size in dev mode, replacing http.pool.num_workers.
	// Default 0: min(number of CPUs, 4), enough to notice concurrency bugs
	// without heating the laptop.
	Workers int `koanf:"workers"`
	// Watch turns file watching (and reload on change) on. Default true.
	Watch bool `koanf:"watch"`
	// ShowErrors puts the worker's error text into 500 bodies (as RR's
	// pool.debug does). Default true.
	ShowErrors bool `koanf:"show_errors"`
	// Debug is `phprun dev --debug`: a fresh worker per request
	// (pool.debug), exec_ttl off, Xdebug's variables for the workers, and
	// DEBUG in the dashboard's header. Default false.
	Debug bool `koanf:"debug"`
	// Services are sidecars that run only under `phprun dev` (a Vite or
	// Tailwind watcher, a queue consumer), with the keys of the service
	// section. Default: none.
	Services service.Services `koanf:"services"`
}

// DefaultConfig returns every documented default. Only server.command and
// an address to listen on are left for the user.
func Default() Config {
	ec := engine.DefaultConfig()
	return Config{
		Version: "3",
		Server:  ec.Server,
		RPC:     rpc.DefaultConfig(),
		HTTP:    DefaultHTTPConfig(),
		Status:  httpfront.DefaultStatusConfig(),
		Logs:    logging.DefaultConfig(),
		Watch:   watch.DefaultConfig(),
		Dev:     DevConfig{Watch: true, ShowErrors: true},
		Metrics: metrics.DefaultConfig(),
		Jobs:    jobs.DefaultConfig(),
		AMQP:    jobsamqp.DefaultGlobalConfig(),
		NATS:    jobsnats.DefaultGlobalConfig(),

		Timeouts: DefaultTimeouts(),
	}
}

// Validate reports every problem at once, each a *fielderr.Error naming
// the full dotted key, so the loader can prefix the file and line. It never
// changes c. Every section whose type has a Validate method is checked, in
// field order, so a new section needs no line here; server and http.pool
// are checked together by the engine.
func (c Config) Validate() error {
	errs := []error{fielderr.Rekey(c.Engine("", false).Validate(), poolUnderHTTP)}
	v := reflect.ValueOf(c)
	for i := range v.NumField() {
		f := v.Field(i)
		if f.Kind() == reflect.Pointer && f.IsNil() {
			continue // an optional section that is absent
		}
		if s, ok := f.Interface().(interface{ Validate() error }); ok {
			errs = append(errs, s.Validate())
		}
	}
	for _, name := range c.Dev.Services.Names() {
		if _, ok := c.Service[name]; ok {
			errs = append(errs, fielderr.New("dev.services."+name, "the service section already has a service named %s; rename one", name))
		}
	}
	return errors.Join(errs...)
}

// poolUnderHTTP moves the engine's "pool.*" keys to where the file has
// them: the engine validates server and pool together, and RoadRunner's
// layout puts the pool under http.
func poolUnderHTTP(key string) string {
	if strings.HasPrefix(key, "pool.") {
		return "http." + key
	}
	return key
}

// Validate checks the dev section.
func (d DevConfig) Validate() error {
	var errs []error
	if d.Workers < 0 || d.Workers > 500 {
		errs = append(errs, fielderr.New("dev.workers", "want 0 (min(CPUs, 4)) to 500, got %d", d.Workers))
	}
	return errors.Join(append(errs, d.Services.ValidateAs("dev.services"))...)
}

// reloadSlack is what a reload may take beyond http.pool.reset_timeout:
// the time to boot the new workers.
const reloadSlack = 30 * time.Second

// ReloadTimeout bounds one rolling reload or one worker reset as phprun
// drives them (file change, dashboard, signal): http.pool.reset_timeout for
// busy workers to finish, plus reloadSlack to boot their replacements.
func (c Config) ReloadTimeout() time.Duration { return c.HTTP.Pool.ResetTimeout + reloadSlack }

// Engine composes the pool configuration from server and http.pool.
// num_workers 0 means "number of CPUs" in RoadRunner; the engine wants an
// explicit count, so it is translated here. rpcAddr is passed to workers as
// RR_RPC (empty when the rpc section is absent, as RoadRunner does).
func (c Config) Engine(rpcAddr string, dev bool) engine.Config {
	ec := engine.DefaultConfig()
	ec.Server = c.Server
	ec.Pool = c.HTTP.Pool
	ec.RPCAddr = rpcAddr
	if ec.Pool.NumWorkers == 0 && !ec.Pool.Debug {
		ec.Pool.NumWorkers = runtime.NumCPU()
	}
	if dev {
		ec.Pool.NumWorkers = c.Dev.Workers
		if ec.Pool.NumWorkers <= 0 {
			ec.Pool.NumWorkers = min(runtime.NumCPU(), 4)
		}
		if c.Dev.Debug {
			ec = withDebug(ec)
		}
	}
	return ec
}

// JobsEngine composes the jobs pool from server and jobs.pool, as Engine
// does for the HTTP pool (num_workers 0 = the number of CPUs); workers get
// RR_MODE=jobs.
func (c Config) JobsEngine(rpcAddr string) engine.Config {
	ec := engine.DefaultConfig()
	ec.Name, ec.Mode = "jobs", "jobs"
	ec.Server = c.Server
	ec.Pool = c.Jobs.Pool
	ec.RPCAddr = rpcAddr
	if ec.Pool.NumWorkers == 0 && !ec.Pool.Debug {
		ec.Pool.NumWorkers = runtime.NumCPU()
	}
	return ec
}
