package amqp

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/phprun/phprun/jobs"
)

// DefaultAddr is RoadRunner's default for the global `amqp.addr`.
const DefaultAddr = "amqp://guest:guest@127.0.0.1:5672/"

// config is one amqp pipeline's keys, RoadRunner's names and defaults.
type config struct {
	addr               string
	prefetch           int
	priority           int64
	queue              string
	exchange           string
	exchangeType       string
	routingKey         string
	consumerID         string
	durable            bool
	exclusive          bool
	queueAutoDelete    bool
	exchangeDurable    bool
	exchangeAutoDelete bool
	deleteQueueOnStop  bool
	multipleAck        bool
	requeueOnFail      bool
	redialTimeout      time.Duration
	queueHeaders       map[string]any
	tls                TLSConfig // the global amqp.tls; used with amqps://
}

// parseConfig reads the pipeline's keys; the address comes from the
// pipeline's `addr`, else the global `amqp.addr`, else RoadRunner's
// default. Errors name the key as the user wrote it.
func parseConfig(o jobs.Options) (config, error) {
	p := o.Pipeline
	key := func(k string) string { return "jobs.pipelines." + p.Name + ".config." + k }
	c := config{
		addr:               DefaultAddr,
		prefetch:           int(p.Int("prefetch", 10)),
		priority:           p.Priority(),
		queue:              p.String("queue", ""),
		exchange:           p.String("exchange", "amqp.default"),
		exchangeType:       p.String("exchange_type", "direct"),
		routingKey:         p.String("routing_key", ""),
		consumerID:         p.String("consumer_id", ""),
		durable:            p.Bool("durable", false),
		exclusive:          p.Bool("exclusive", false),
		queueAutoDelete:    p.Bool("queue_auto_delete", false),
		exchangeDurable:    p.Bool("exchange_durable", false),
		exchangeAutoDelete: p.Bool("exchange_auto_delete", false),
		deleteQueueOnStop:  p.Bool("delete_queue_on_stop", false),
		multipleAck:        p.Bool("multiple_ack", false),
		requeueOnFail:      p.Bool("requeue_on_fail", false),
		redialTimeout:      time.Duration(p.Int("redial_timeout", 60)) * time.Second,
	}
	if a, ok := o.Global["addr"].(string); ok && a != "" {
		c.addr = a
	}
	c.addr = p.String("addr", c.addr)
	c.tls = tlsFromGlobal(o.Global)
	if c.tls.enabled() && !strings.HasPrefix(c.addr, "amqps://") {
		return c, fmt.Errorf("amqp.tls is set but the address of pipeline %s is not amqps:// (%s): use amqps:// to connect with TLS", p.Name, redact(c.addr))
	}
	if c.prefetch <= 0 {
		c.prefetch = 10
	}
	switch c.exchangeType {
	case "direct", "fanout", "topic", "headers":
	default:
		return c, fmt.Errorf("%s: want direct, fanout, topic or headers, got %q", key("exchange_type"), c.exchangeType)
	}
	if c.exchange == "" {
		return c, fmt.Errorf("%s: must not be empty (RoadRunner's default is amqp.default)", key("exchange"))
	}
	if c.redialTimeout <= 0 {
		c.redialTimeout = 60 * time.Second
	}
	switch h := p.Config["queue_headers"].(type) {
	case nil:
	case map[string]any:
		c.queueHeaders = h
	case string: // jobs.Declare sends JSON text ("[]" when empty)
		if h != "" && h != "[]" {
			if err := json.Unmarshal([]byte(h), &c.queueHeaders); err != nil {
				return c, fmt.Errorf("%s: want a JSON object: %w", key("queue_headers"), err)
			}
		}
	default:
		return c, fmt.Errorf("%s: want a map, got %T", key("queue_headers"), h)
	}
	return c, nil
}

// GlobalConfig is RoadRunner's top-level `amqp` section: the broker every
// amqp pipeline uses unless it names its own `addr`.
type GlobalConfig struct {
	// Addr is the AMQP URL. Default amqp://guest:guest@127.0.0.1:5672/.
	Addr string `koanf:"addr"`
	// TLS is the client certificate and trusted CA for amqps:// brokers.
	// Default: none.
	TLS TLSConfig `koanf:"tls"`
}

// DefaultGlobalConfig returns RoadRunner's default address.
func DefaultGlobalConfig() GlobalConfig { return GlobalConfig{Addr: DefaultAddr} }

// Map is the section as the driver's constructor reads it (jobs.Options.Global).
func (g GlobalConfig) Map() map[string]any {
	return map[string]any{"addr": g.Addr, "tls": g.TLS.Map()}
}

// Validate checks the tls section.
func (g GlobalConfig) Validate() error { return g.TLS.Validate() }
