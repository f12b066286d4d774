package jobs

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/phprun/phprun/engine"
	"github.com/phprun/phprun/internal/fielderr"
)

// KnownDrivers returns the driver names a pipeline may use (RoadRunner's).
// A driver is usable when main registered a Constructor for it.
func KnownDrivers() []string { return []string{"memory", "boltdb", "amqp", "nats"} }

// Config is RoadRunner v3's `jobs` section.
type Config struct {
	// NumPollers is accepted for RoadRunner compatibility and ignored, as
	// RoadRunner does: phprun runs pool.num_workers + 2 pollers.
	NumPollers int `koanf:"num_pollers"`
	// PipelineSize bounds the jobs taken from all pipelines and waiting
	// for a worker (RoadRunner's shared priority queue). Default 1000000.
	PipelineSize uint64 `koanf:"pipeline_size"`
	// Batch is phprun's own key: at most this many short jobs are written
	// to one worker at once while jobs wait (jobs/batch.go). 1 writes one
	// job at a time, as RoadRunner does. Default 16.
	Batch int `koanf:"batch"`
	// Timeout is how long, in seconds, a push may wait for its driver.
	// Default 60.
	Timeout int `koanf:"timeout"`
	// Options holds RoadRunner's `jobs.options`.
	Options OptionsConfig `koanf:"options"`
	// Pool is the jobs pool (every key of http.pool). num_workers 0 = CPUs.
	Pool engine.PoolConfig `koanf:"pool"`
	// Consume lists the pipelines started at boot (and when declared).
	// Default none.
	Consume []string `koanf:"consume"`
	// Pipelines are the configured pipelines by name.
	Pipelines map[string]PipelineConfig `koanf:"pipelines"`
}

// OptionsConfig is `jobs.options`.
type OptionsConfig struct {
	// Parallelism bounds how many pipelines Destroy and shutdown stop at
	// once. Default 10.
	Parallelism int `koanf:"parallelism"`
}

// PipelineConfig is `jobs.pipelines.<name>`.
type PipelineConfig struct {
	// Driver is memory, boltdb, amqp or nats. Required.
	Driver string `koanf:"driver"`
	// Config holds the driver keys (priority, prefetch, queue, …).
	Config map[string]any `koanf:"config"`
}

// DefaultConfig returns RoadRunner's jobs defaults.
func DefaultConfig() Config {
	return Config{
		PipelineSize: 1_000_000,
		Batch:        16,
		Timeout:      60,
		Options:      OptionsConfig{Parallelism: 10},
		Pool:         engine.DefaultPoolConfig(),
	}
}

func fieldErr(key, format string, args ...any) error { return fielderr.New(key, format, args...) }

// Validate reports every problem at once, each a *fielderr.Error naming
// the full dotted key ("jobs.pipelines.emails.driver"), so the loader can
// point at the file and line. It never changes c.
func (c Config) Validate() error {
	var errs []error
	if c.Timeout < 0 {
		errs = append(errs, fieldErr("jobs.timeout", "must not be negative, got %d", c.Timeout))
	}
	if c.Batch < 1 || c.Batch > maxBatch {
		errs = append(errs, fieldErr("jobs.batch", "must be between 1 and %d, got %d", maxBatch, c.Batch))
	}
	if c.Options.Parallelism < 0 {
		errs = append(errs, fieldErr("jobs.options.parallelism", "must not be negative, got %d", c.Options.Parallelism))
	}
	// The pool keys are the engine's: validate them with a stand-in
	// command (server.command is checked with the HTTP pool).
	ec := engine.Config{Server: engine.ServerConfig{Command: []string{"php"}, Relay: "pipes"}, Pool: c.Pool}
	if ec.Pool.NumWorkers == 0 {
		ec.Pool.NumWorkers = 1
	}
	errs = append(errs, fielderr.Rekey(ec.Validate(), func(key string) string { return "jobs." + key }))
	for _, name := range sortedNames(c.Pipelines) {
		p := c.Pipelines[name]
		errs = append(errs, validatePipeline("jobs.pipelines."+name, Pipeline{Name: name, Driver: p.Driver, Config: p.Config})...)
	}
	// consume may name pipelines that are declared later over RPC
	// (RoadRunner starts those at once), so only empty names are wrong.
	for i, name := range c.Consume {
		if strings.TrimSpace(name) == "" {
			errs = append(errs, fieldErr(fmt.Sprintf("jobs.consume[%d]", i), "empty pipeline name"))
		}
	}
	return errors.Join(errs...)
}

// ValidatePipeline checks one pipeline (from the config file or a
// jobs.Declare map); key prefixes the keys in the errors.
func ValidatePipeline(key string, p Pipeline) error {
	return errors.Join(validatePipeline(key, p)...)
}

func validatePipeline(key string, p Pipeline) []error {
	var errs []error
	if strings.TrimSpace(p.Name) == "" {
		errs = append(errs, fieldErr(key, "pipeline name must not be empty"))
	}
	switch {
	case p.Driver == "":
		errs = append(errs, fieldErr(key+".driver", "required: one of %s", strings.Join(KnownDrivers(), ", ")))
	case !slices.Contains(KnownDrivers(), p.Driver):
		errs = append(errs, fieldErr(key+".driver", "unknown driver %q (want one of %s)", p.Driver, strings.Join(KnownDrivers(), ", ")))
	}
	for _, k := range []string{"priority", "prefetch"} {
		if v, ok := p.Config[k]; ok {
			n, err := toInt(v)
			switch {
			case err != nil:
				errs = append(errs, fieldErr(key+".config."+k, "expected an integer, got %v", v))
			case k == "priority" && n < 0:
				errs = append(errs, fieldErr(key+".config."+k, "must not be negative, got %d", n))
			case k == "prefetch" && n < 0:
				errs = append(errs, fieldErr(key+".config."+k, "must not be negative, got %d", n))
			}
		}
	}
	return errs
}

func sortedNames(m map[string]PipelineConfig) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
