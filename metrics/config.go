package metrics

import (
	"errors"
	"fmt"
	"net"
	"sort"
	"strconv"
	"strings"

	"github.com/phprun/phprun/internal/fielderr"
)

// Config is RoadRunner v3's `metrics` section. The plugin runs only when
// the section is present.
type Config struct {
	// Address is where /metrics is served. Default "127.0.0.1:2112".
	Address string `koanf:"address"`
	// Collect declares app metrics by their RPC name. Default none.
	Collect map[string]Collector `koanf:"collect"`
}

// DefaultConfig returns the documented defaults.
func DefaultConfig() Config { return Config{Address: "127.0.0.1:2112"} }

// Collector describes one app metric, in config and in metrics.Declare.
type Collector struct {
	// Namespace and Subsystem prefix the exposed name:
	// namespace_subsystem_name. Default "".
	Namespace string `koanf:"namespace" json:"namespace"`
	Subsystem string `koanf:"subsystem" json:"subsystem"`
	// Type is counter, gauge, histogram or summary. Required.
	Type string `koanf:"type" json:"type"`
	// Help is the HELP text. Default "".
	Help string `koanf:"help" json:"help"`
	// Labels are the label names; Add/Sub/Set/Observe then pass values in
	// this order. Default none.
	Labels []string `koanf:"labels" json:"labels"`
	// Buckets are a histogram's upper bounds. Default client_golang's
	// (.005 to 10 seconds).
	Buckets []float64 `koanf:"buckets" json:"buckets"`
	// Objectives are a summary's quantiles and their allowed errors,
	// {0.5: 0.05, 0.9: 0.01}. Default none (only _sum and _count).
	//
	// The value type is free-form because the config loader splits keys
	// on dots ("0.5" arrives as {"0": {"5": ...}}); Quantiles puts the
	// numbers back together.
	Objectives map[string]any `koanf:"objectives" json:"objectives"`
}

// Validate checks the section without touching any registry; messages
// start with the dotted key.
func (c Config) Validate() error {
	var errs []error
	if _, _, err := net.SplitHostPort(c.Address); err != nil {
		errs = append(errs, fielderr.New("metrics.address", "want host:port, got %q", c.Address))
	}
	names := make([]string, 0, len(c.Collect))
	for n := range c.Collect {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		col := c.Collect[n]
		if err := col.check(n); err != nil {
			errs = append(errs, fielderr.Wrap("metrics.collect."+n, err))
		}
	}
	return errors.Join(errs...)
}

// check validates a collector's type and numbers; names and labels are
// validated by client_golang when the collector is registered.
func (c Collector) check(name string) error {
	switch c.Type {
	case "counter", "gauge", "histogram", "summary":
	default:
		return fmt.Errorf("invalid metric type `%s` for `%s` (want counter, gauge, histogram or summary)", c.Type, name)
	}
	if _, err := c.Quantiles(); err != nil {
		return err
	}
	for i := 1; i < len(c.Buckets); i++ {
		if c.Buckets[i] <= c.Buckets[i-1] {
			return fmt.Errorf("buckets: want increasing upper bounds, got %v", c.Buckets)
		}
	}
	return nil
}

// Quantiles returns Objectives as numbers, re-joining keys the config
// loader split on dots.
func (c Collector) Quantiles() (map[float64]float64, error) {
	if len(c.Objectives) == 0 {
		return nil, nil
	}
	out := map[float64]float64{}
	var walk func(prefix string, m map[string]any) error
	walk = func(prefix string, m map[string]any) error {
		for k, v := range m {
			key := k
			if prefix != "" {
				key = prefix + "." + k
			}
			if sub, ok := v.(map[string]any); ok {
				if err := walk(key, sub); err != nil {
					return err
				}
				continue
			}
			q, err := strconv.ParseFloat(strings.TrimSpace(key), 64)
			if err != nil || q <= 0 || q >= 1 {
				return fmt.Errorf("objectives: quantile %q: want a number between 0 and 1", key)
			}
			e, ok := toFloat(v)
			if !ok || e < 0 || e >= 1 {
				return fmt.Errorf("objectives: error for quantile %s: want a number between 0 and 1, got %v", key, v)
			}
			out[q] = e
		}
		return nil
	}
	return out, walk("", c.Objectives)
}

func toFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		return f, err == nil
	}
	return 0, false
}
