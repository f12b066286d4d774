package main

import (
	"errors"
	"fmt"
	"runtime"
	"strings"

	"github.com/phprun/phprun/engine"
	"github.com/phprun/phprun/httpfront"
	"github.com/phprun/phprun/kv"
	"github.com/phprun/phprun/metrics"
	"github.com/phprun/phprun/rpc"
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
	Logs LogsConfig `koanf:"logs"`
	// Watch says which files `phprun dev` watches for reloads.
	Watch watch.Config `koanf:"watch"`
	// Dev tunes `phprun dev`.
	Dev DevConfig `koanf:"dev"`
	// KV is RoadRunner's kv section: named storages. Default none.
	KV kv.Config `koanf:"kv"`
	// Metrics is RoadRunner's metrics section (Prometheus endpoint, app
	// metrics). Disabled unless the section is present.
	Metrics metrics.Config `koanf:"metrics"`
}

// LogsConfig is the `logs` section (a subset of RoadRunner's).
type LogsConfig struct {
	// Mode is RoadRunner's logger mode; "off" or "none" silence phprun's
	// logs, any other value (development, production, raw) logs normally.
	// Default "production".
	Mode string `koanf:"mode"`
	// Level is the lowest level logged: debug, info, warn or error. Default "info".
	Level string `koanf:"level"`
	// Encoding is "json" (one object per line) or "console" (human-readable
	// text). Default "json". --log-format overrides it.
	Encoding string `koanf:"encoding"`
	// Output is where log lines go: "stderr" (default), "stdout" or a file
	// path (relative to the config file's directory).
	Output string `koanf:"output"`
}

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
}

// DefaultConfig returns every documented default. Only server.command and
// an address to listen on are left for the user.
func DefaultConfig() Config {
	ec := engine.DefaultConfig()
	return Config{
		Version: "3",
		Server:  ec.Server,
		RPC:     rpc.DefaultConfig(),
		HTTP:    DefaultHTTPConfig(),
		Status:  httpfront.DefaultStatusConfig(),
		Logs:    LogsConfig{Mode: "production", Level: "info", Encoding: "json", Output: "stderr"},
		Watch:   watch.DefaultConfig(),
		Dev:     DevConfig{Watch: true, ShowErrors: true},
		Metrics: metrics.DefaultConfig(),
	}
}

// Validate reports every problem at once; messages start with the dotted
// key they concern so the loader can prefix the file and line. It never
// changes c.
func (c Config) Validate() error {
	var errs []error
	if err := c.engineConfig("", false).Validate(); err != nil {
		errs = append(errs, prefixKeys(err, map[string]string{"pool.": "http.pool."}))
	}
	errs = append(errs, c.RPC.Validate(), c.HTTP.Validate(), c.Status.Validate(), c.Logs.Validate(),
		c.Watch.Validate(), c.Dev.Validate(), c.KV.Validate(kvDrivers()),
		c.Metrics.Validate())
	return errors.Join(errs...)
}

// Validate checks the dev section.
func (d DevConfig) Validate() error {
	if d.Workers < 0 || d.Workers > 500 {
		return fmt.Errorf("dev.workers: want 0 (min(CPUs, 4)) to 500, got %d", d.Workers)
	}
	return nil
}

// Validate checks the logs section.
func (l LogsConfig) Validate() error {
	var errs []error
	if _, err := parseLevel(l.Level); err != nil {
		errs = append(errs, fmt.Errorf("logs.level: %w", err))
	}
	switch l.Encoding {
	case "json", "console":
	default:
		errs = append(errs, fmt.Errorf("logs.encoding: want json or console, got %q", l.Encoding))
	}
	switch l.Mode {
	case "development", "production", "raw", "off", "none":
	default:
		errs = append(errs, fmt.Errorf("logs.mode: want development, production, raw, off or none, got %q", l.Mode))
	}
	if strings.TrimSpace(l.Output) == "" {
		errs = append(errs, errors.New("logs.output: want stderr, stdout or a file path, got \"\""))
	}
	return errors.Join(errs...)
}

// engineConfig composes the pool configuration from server and http.pool.
// num_workers 0 means "number of CPUs" in RoadRunner; the engine wants an
// explicit count, so it is translated here. rpcAddr is passed to workers as
// RR_RPC (empty when the rpc section is absent, as RoadRunner does).
func (c Config) engineConfig(rpcAddr string, dev bool) engine.Config {
	ec := engine.DefaultConfig()
	ec.Server = c.Server
	ec.Pool = c.HTTP.Pool
	ec.RPCAddr = rpcAddr
	ec.Version = version
	if ec.Pool.NumWorkers == 0 && !ec.Pool.Debug {
		ec.Pool.NumWorkers = runtime.NumCPU()
	}
	if dev {
		ec.Pool.NumWorkers = c.Dev.Workers
		if ec.Pool.NumWorkers <= 0 {
			ec.Pool.NumWorkers = min(runtime.NumCPU(), 4)
		}
	}
	return ec
}

// prefixKeys rewrites the leading key of each joined error ("pool.x: ...")
// into its full dotted form ("http.pool.x: ...").
func prefixKeys(err error, rewrite map[string]string) error {
	var out []error
	for _, e := range flattenErrors(err) {
		msg := e.Error()
		for from, to := range rewrite {
			if strings.HasPrefix(msg, from) {
				msg = to + strings.TrimPrefix(msg, from)
				break
			}
		}
		out = append(out, errors.New(msg))
	}
	return errors.Join(out...)
}

// flattenErrors unpacks nested errors.Join values into single problems.
func flattenErrors(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, flattenErrors(e)...)
		}
		return out
	}
	// a multi-line message (errors.Join flattened by a package) is several problems
	var out []error
	for _, line := range strings.Split(err.Error(), "\n") {
		if strings.TrimSpace(line) != "" {
			out = append(out, errors.New(line))
		}
	}
	return out
}
