package nats

import (
	"fmt"
	"strings"

	"github.com/phprun/phprun/jobs"
)

// DefaultAddr is RoadRunner's default for the global `nats.addr`.
const DefaultAddr = "nats://127.0.0.1:4222"

// config is one nats pipeline's keys, RoadRunner's names and defaults.
type config struct {
	addr               string
	subject            string
	stream             string
	prefetch           int
	priority           int64
	rateLimit          int64 // bits per second of delivered payload; 0 = none (see ratelimit.go)
	deliverNew         bool
	deleteAfterAck     bool
	deleteStreamOnStop bool
}

// parseConfig reads the pipeline's keys; the address comes from the
// pipeline's `addr`, else the global `nats.addr`, else RoadRunner's default.
func parseConfig(o jobs.Options) (config, error) {
	p := o.Pipeline
	key := func(k string) string { return "jobs.pipelines." + p.Name + ".config." + k }
	c := config{
		addr:               DefaultAddr,
		subject:            p.String("subject", "default"),
		stream:             p.String("stream", "default-stream"),
		prefetch:           int(p.Int("prefetch", 10)),
		priority:           p.Priority(),
		rateLimit:          p.Int("rate_limit", 0),
		deliverNew:         p.Bool("deliver_new", false),
		deleteAfterAck:     p.Bool("delete_after_ack", false),
		deleteStreamOnStop: p.Bool("delete_stream_on_stop", false),
	}
	if a, ok := o.Global["addr"].(string); ok && a != "" {
		c.addr = a
	}
	c.addr = p.String("addr", c.addr)
	if c.prefetch <= 0 {
		c.prefetch = 10
	}
	if c.rateLimit < 0 {
		return c, fmt.Errorf("%s: want bits per second (0 or more), got %d", key("rate_limit"), c.rateLimit)
	}
	if c.subject == "" || strings.ContainsAny(c.subject, " \t") {
		return c, fmt.Errorf("%s: want a NATS subject without spaces, got %q", key("subject"), c.subject)
	}
	if c.stream == "" || strings.ContainsAny(c.stream, " \t.*>/\\") {
		return c, fmt.Errorf("%s: want a stream name without spaces, '.', '*', '>' or slashes, got %q", key("stream"), c.stream)
	}
	return c, nil
}

// consumerName is the durable consumer of a pipeline: named after the
// pipeline, so every phprun instance running the pipeline shares it and
// each job goes to one of them.
func consumerName(pipeline string) string {
	return "phprun-" + strings.Map(func(r rune) rune {
		if strings.ContainsRune(" \t.*>/\\", r) {
			return '_'
		}
		return r
	}, pipeline)
}

// GlobalConfig is RoadRunner's top-level `nats` section: the server every
// nats pipeline uses unless it names its own `addr`.
type GlobalConfig struct {
	// Addr is the NATS URL. Default nats://127.0.0.1:4222.
	Addr string `koanf:"addr"`
}

// DefaultGlobalConfig returns RoadRunner's default address.
func DefaultGlobalConfig() GlobalConfig { return GlobalConfig{Addr: DefaultAddr} }

// Map is the section as the driver's constructor reads it (jobs.Options.Global).
func (g GlobalConfig) Map() map[string]any { return map[string]any{"addr": g.Addr} }
