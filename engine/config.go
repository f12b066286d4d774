package engine

import (
	"errors"
	"fmt"
	"github.com/phprun/phprun/internal/fielderr"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// ServerConfig is RoadRunner's `server` section: how worker processes are
// started. Defaults come from DefaultServerConfig.
type ServerConfig struct {
	// Command is the worker command line. A YAML string is split on
	// whitespace by the config loader (no shell, no quotes), as RoadRunner
	// does. Required.
	Command []string `koanf:"command"`
	// Env is added to each worker's environment; keys are upper-cased and
	// values go through os.ExpandEnv. Default: none.
	Env map[string]string `koanf:"env"`
	// Relay is how frames travel: "pipes" (default), "tcp://127.0.0.1:6002"
	// or "unix://path.sock". It is passed to PHP verbatim as RR_RELAY, so it
	// must be a string PHP's relay parser accepts.
	Relay string `koanf:"relay"`
	// User runs the workers as this user, a name or a numeric
	// id; phprun must then run as root. Default "": phprun's own user.
	User string `koanf:"user"`
	// Group runs the workers with this group, a name or a numeric id.
	// Default "": the primary group of User (or phprun's group).
	Group string `koanf:"group"`
	// OnInit is a command run once before the first workers start.
	// Default nil (none).
	OnInit *OnInitConfig `koanf:"on_init"`
	// RelayTimeout is RoadRunner v2's bound on a socket worker connecting.
	// RoadRunner 2025 accepts and ignores it; so does phprun, where
	// pool.allocate_timeout bounds the whole boot. Default 0.
	RelayTimeout time.Duration `koanf:"relay_timeout"`
}

// OnInitConfig is `server.on_init`: a command RoadRunner runs once before
// it starts workers (migrations, cache warm-up).
type OnInitConfig struct {
	// Command is the command line, split like server.command. Required.
	Command []string `koanf:"command"`
	// ExecTimeout kills the command when it runs longer. Default 60s.
	ExecTimeout time.Duration `koanf:"exec_timeout"`
	// Env is added to the command's environment (keys upper-cased,
	// values through os.ExpandEnv), like server.env. Default none.
	Env map[string]string `koanf:"env"`
	// User runs the command as this user. Default "": phprun's own
	// (server.user does not apply, as in RoadRunner).
	User string `koanf:"user"`
	// ExitOnError stops phprun when the command fails or times out;
	// otherwise the failure is logged and the workers start anyway, as in
	// RoadRunner. Default false.
	ExitOnError bool `koanf:"exit_on_error"`
}

// SupervisorConfig is `<plugin>.pool.supervisor`: per-worker limits. A zero
// value disables a limit. ttl, idle_ttl and max_worker_memory are soft
// (applied when the worker is idle); exec_ttl is hard (the worker is killed).
type SupervisorConfig struct {
	// WatchTick is how often limits are checked. Default 5s.
	WatchTick time.Duration `koanf:"watch_tick"`
	// TTL is the longest a worker lives. Default 0 (off).
	TTL time.Duration `koanf:"ttl"`
	// IdleTTL stops a worker idle this long since its last job. Default 0 (off).
	IdleTTL time.Duration `koanf:"idle_ttl"`
	// MaxWorkerMemory is the RSS limit in MB. Default 0 (off).
	MaxWorkerMemory uint64 `koanf:"max_worker_memory"`
	// ExecTTL is the longest one job may run. Default 0 (off).
	ExecTTL time.Duration `koanf:"exec_ttl"`
}

// PoolConfig is `<plugin>.pool` (for HTTP: `http.pool`), with RoadRunner's
// keys and defaults (PROTOCOL.md 5.5).
type PoolConfig struct {
	// Command overrides ServerConfig.Command for this pool. Default: none.
	Command []string `koanf:"command"`
	// NumWorkers is the pool size. Default: the number of CPUs. At most 500.
	NumWorkers int `koanf:"num_workers"`
	// MaxJobs stops a worker gracefully after this many jobs, plus a random
	// 0–14% jitter so that workers do not all restart at once. Default 0 (unlimited).
	MaxJobs uint64 `koanf:"max_jobs"`
	// MaxQueueSize rejects jobs at once when this many already wait. Default 0 (unlimited).
	MaxQueueSize uint64 `koanf:"max_queue_size"`
	// AllocateTimeout bounds waiting for a free worker, and spawning plus the
	// PID handshake. Default 60s.
	AllocateTimeout time.Duration `koanf:"allocate_timeout"`
	// DestroyTimeout bounds the drain on Close. Default 60s.
	DestroyTimeout time.Duration `koanf:"destroy_timeout"`
	// ResetTimeout bounds waiting for busy workers on Reload. Default 60s.
	ResetTimeout time.Duration `koanf:"reset_timeout"`
	// StreamTimeout bounds draining a stopped stream. Default 60s.
	StreamTimeout time.Duration `koanf:"stream_timeout"`
	// Debug spawns a fresh worker for every job and stops it afterwards.
	// Default false.
	Debug bool `koanf:"debug"`
	// DebugOneWorker, with Debug, runs one fresh worker at a time: jobs
	// wait for the previous worker to exit, with no allocate_timeout
	// (debugslot.go). `phprun dev --debug` sets it so that a request
	// paused at a breakpoint is the only one running; RoadRunner's
	// pool.debug alone gives each concurrent job its own worker. Not a
	// config key.
	DebugOneWorker bool `koanf:"-"`
	// Supervisor holds the per-worker limits.
	Supervisor SupervisorConfig `koanf:"supervisor"`
	// DynamicAllocator, when set, lets the pool grow past NumWorkers while
	// jobs wait for a worker, and shrink back when the extra workers sit
	// idle (RoadRunner ≥ 2024.3). Default nil (a fixed pool).
	DynamicAllocator *DynamicAllocatorConfig `koanf:"dynamic_allocator"`
}

// DynamicAllocatorConfig is `<plugin>.pool.dynamic_allocator`. Values out
// of range are clamped as RoadRunner clamps them, never rejected.
type DynamicAllocatorConfig struct {
	// MaxWorkers is the most extra workers on top of num_workers. Default
	// 10, at most 1000.
	MaxWorkers uint64 `koanf:"max_workers"`
	// SpawnRate is how many extra workers start at a time when a job finds
	// none free. Default 5, at most 100.
	SpawnRate uint64 `koanf:"spawn_rate"`
	// IdleTimeout retires an extra worker idle this long. Default 60s,
	// also for values under 1s.
	IdleTimeout time.Duration `koanf:"idle_timeout"`
}

// Dynamic allocator defaults and bounds, RoadRunner's (its pool caps
// num_workers plus extras at 2048; phprun's num_workers is at most 500).
const (
	defaultDynMaxWorkers  = 10
	defaultDynSpawnRate   = 5
	defaultDynIdleTimeout = time.Minute
	maxDynWorkers         = 1000
	maxDynSpawnRate       = 100
)

// limits returns the allocator's settings with defaults and bounds applied.
func (d *DynamicAllocatorConfig) limits() (maxWorkers, spawnRate int, idle time.Duration) {
	maxWorkers, spawnRate, idle = defaultDynMaxWorkers, defaultDynSpawnRate, defaultDynIdleTimeout
	if d.MaxWorkers > 0 {
		maxWorkers = int(min(d.MaxWorkers, maxDynWorkers))
	}
	if d.SpawnRate > 0 {
		spawnRate = int(min(d.SpawnRate, maxDynSpawnRate))
	}
	if d.IdleTimeout >= time.Second {
		idle = d.IdleTimeout
	}
	return maxWorkers, spawnRate, idle
}

// Config is everything New needs to run one pool. The caller (main) composes
// it from the server and pool sections; the engine never reads files.
type Config struct {
	// Name identifies the pool in stats, events and RPC ("http").
	Name string
	// Mode is passed to workers as RR_MODE ("http", "jobs").
	Mode string
	// Dir is the workers' working directory; "" inherits phprun's.
	Dir string
	// DirNote says where Dir came from ("the config file's folder; -w
	// changes it"), for the "worker script not found" message.
	DirNote string
	// RPCAddr is passed as RR_RPC when non-empty.
	RPCAddr string
	// Version is passed as RR_VERSION.
	Version string
	Server  ServerConfig
	Pool    PoolConfig

	// ServeFirst makes New return, and the pool serve, as soon as the
	// first worker is ready; the others join as they finish booting. Off,
	// New waits for all of them (RoadRunner's behaviour). phprun serve and
	// dev set it so that the first request does not wait for the slowest
	// of N PHP starts. Reloads always boot the whole new generation first.
	ServeFirst bool
}

// DefaultServerConfig returns the `server` defaults.
func DefaultServerConfig() ServerConfig {
	return ServerConfig{Relay: "pipes"}
}

// DefaultPoolConfig returns RoadRunner's pool defaults.
func DefaultPoolConfig() PoolConfig {
	return PoolConfig{
		NumWorkers:      runtime.NumCPU(),
		AllocateTimeout: 60 * time.Second,
		DestroyTimeout:  60 * time.Second,
		ResetTimeout:    60 * time.Second,
		StreamTimeout:   60 * time.Second,
		Supervisor:      SupervisorConfig{WatchTick: 5 * time.Second},
	}
}

// DefaultConfig returns a Config for an HTTP pool with every default set;
// only Server.Command is left for the caller.
func DefaultConfig() Config {
	return Config{Name: "http", Mode: "http", Server: DefaultServerConfig(), Pool: DefaultPoolConfig()}
}

// command returns the effective worker command line.
func (c Config) command() []string {
	if len(c.Pool.Command) > 0 {
		return c.Pool.Command
	}
	return c.Server.Command
}

// Validate reports every problem of c at once. It never changes c. Key
// names in messages are the config file's, relative to the pool's section.
func (c Config) Validate() error {
	var errs []error
	add := func(key, format string, args ...any) { errs = append(errs, fielderr.New(key, format, args...)) }
	if len(c.command()) == 0 || strings.TrimSpace(c.command()[0]) == "" {
		add("server.command", "required, e.g. \"php worker.php\"")
	}
	if err := ValidateRelay(c.Server.Relay); err != nil {
		errs = append(errs, fielderr.Wrap("server.relay", err))
	}
	if c.Server.User != "" {
		if _, err := lookupCredential(c.Server.User, ""); err != nil {
			errs = append(errs, fielderr.Wrap("server.user", err))
		}
	}
	if c.Server.Group != "" {
		if _, err := lookupCredential("", c.Server.Group); err != nil {
			errs = append(errs, fielderr.Wrap("server.group", err))
		}
	}
	if o := c.Server.OnInit; o != nil {
		if len(o.Command) == 0 || strings.TrimSpace(o.Command[0]) == "" {
			add("server.on_init.command", "required when server.on_init is set")
		}
		if o.ExecTimeout < 0 {
			add("server.on_init.exec_timeout", "must not be negative, got %v", o.ExecTimeout)
		}
		if o.User != "" {
			if _, err := lookupCredential(o.User, ""); err != nil {
				errs = append(errs, fielderr.Wrap("server.on_init.user", err))
			}
		}
	}
	p := c.Pool
	switch {
	case p.Debug:
	case p.NumWorkers <= 0:
		add("pool.num_workers", "must be at least 1, got %d", p.NumWorkers)
	case p.NumWorkers > 500:
		add("pool.num_workers", "must be at most 500, got %d", p.NumWorkers)
	}
	for _, d := range []struct {
		key string
		v   time.Duration
	}{
		{"pool.allocate_timeout", p.AllocateTimeout},
		{"pool.destroy_timeout", p.DestroyTimeout},
		{"pool.reset_timeout", p.ResetTimeout},
		{"pool.stream_timeout", p.StreamTimeout},
	} {
		if d.v <= 0 {
			add(d.key, "must be a positive duration such as 60s, got %v", d.v)
		}
	}
	s := p.Supervisor
	for _, d := range []struct {
		key string
		v   time.Duration
	}{
		{"pool.supervisor.ttl", s.TTL},
		{"pool.supervisor.idle_ttl", s.IdleTTL},
		{"pool.supervisor.exec_ttl", s.ExecTTL},
	} {
		if d.v < 0 {
			add(d.key, "must not be negative, got %v", d.v)
		}
	}
	if s.WatchTick <= 0 && (s.TTL > 0 || s.IdleTTL > 0 || s.MaxWorkerMemory > 0) {
		add("pool.supervisor.watch_tick", "must be positive when ttl, idle_ttl or max_worker_memory is set")
	}
	return errors.Join(errs...)
}

// ValidateRelay checks that relay is a string both phprun and PHP's relay
// parser understand (PROTOCOL.md 2.2): "pipes", "tcp://host:port" with a
// non-empty host without colons, or "unix://path" without colons.
func ValidateRelay(relay string) error {
	if relay == "pipes" {
		return nil
	}
	proto, rest, ok := strings.Cut(relay, "://")
	if !ok {
		return fmt.Errorf("%q: want pipes, tcp://127.0.0.1:PORT or unix://PATH", relay)
	}
	switch strings.ToLower(proto) {
	case "tcp":
		host, port, ok := strings.Cut(rest, ":")
		if !ok || host == "" || port == "" || strings.ContainsAny(port, ":[]") || strings.ContainsAny(host, "[]") {
			return fmt.Errorf("%q: PHP needs tcp://HOST:PORT with an explicit IPv4 host or name (IPv6 literals and an empty host are not understood by PHP's relay parser)", relay)
		}
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			// PHP casts the port to int and every worker must find the
			// same listener: no service names, no port 0.
			return fmt.Errorf("%q: port must be a number from 1 to 65535", relay)
		}
	case "unix":
		if rest == "" || strings.Contains(rest, ":") {
			return fmt.Errorf("%q: want unix://PATH, with no ':' in the path", relay)
		}
	default:
		return fmt.Errorf("%q: unknown relay %q (want pipes, tcp or unix)", relay, proto)
	}
	return nil
}
