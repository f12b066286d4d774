package metrics

import (
	"errors"
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

// Metric is the argument of Add, Sub, Observe and Set: label values in
// declaration order.
type Metric struct {
	Name   string   `json:"name"`
	Value  float64  `json:"value"`
	Labels []string `json:"labels"`
}

// NamedCollector is the argument of Declare.
type NamedCollector struct {
	Name      string    `json:"name"`
	Collector Collector `json:"collector"`
}

// Service is RoadRunner's "metrics" RPC service (JSON codec; every method
// answers true). Error texts keep RoadRunner's op prefixes, which the
// official PHP client shows in its MetricsException.
type Service struct{ p *Plugin }

// Service returns the RPC receiver to register as "metrics".
func (p *Plugin) Service() *Service { return &Service{p: p} }

// Declare registers a collector. A bad name or label (client_golang's
// rules: empty names, labels starting with __, duplicate labels) fails and
// registers nothing.
func (s *Service) Declare(nc *NamedCollector, ok *bool) error {
	if err := s.p.declare(nc.Name, nc.Collector); err != nil {
		return fmt.Errorf("metrics_plugin_declare: %w", err)
	}
	*ok = true
	return nil
}

// Unregister removes a collector by RPC name.
func (s *Service) Unregister(name string, ok *bool) error {
	if !s.p.unregister(name) {
		return fmt.Errorf("metrics_plugin_unregister: undefined collector %s", name)
	}
	*ok = true
	return nil
}

// Add adds to a counter or gauge.
func (s *Service) Add(m *Metric, ok *bool) error {
	return s.apply("metrics_plugin_add", "Add", m, ok)
}

// Sub subtracts from a gauge.
func (s *Service) Sub(m *Metric, ok *bool) error {
	return s.apply("metrics_plugin_sub", "Sub", m, ok)
}

// Observe records a value in a histogram or summary.
func (s *Service) Observe(m *Metric, ok *bool) error {
	return s.apply("metrics_plugin_observe", "Observe", m, ok)
}

// Set sets a gauge.
func (s *Service) Set(m *Metric, ok *bool) error {
	return s.apply("metrics_plugin_set", "Set", m, ok)
}

var errUnsupported = errors.New("unsupported")

// apply runs one operation on the named collector's child for m.Labels.
func (s *Service) apply(op, method string, m *Metric, ok *bool) error {
	am, found := s.p.lookup(m.Name)
	if !found {
		if method == "Add" {
			return fmt.Errorf("%s: undefined collector %s, try first Declare the desired collector", op, m.Name)
		}
		return fmt.Errorf("%s: undefined collector %s", op, m.Name)
	}
	if len(am.spec.Labels) > 0 && len(m.Labels) == 0 {
		return fmt.Errorf("%s: required labels for collector `%s`", op, m.Name)
	}
	err := do(am.col, method, m)
	if errors.Is(err, errUnsupported) {
		return fmt.Errorf("%s: collector `%s` does not support method `%s`", op, m.Name, method)
	}
	if err != nil {
		return fmt.Errorf("%s: collector `%s`: %w", op, m.Name, err)
	}
	*ok = true
	return nil
}

// do applies method to col (or its child for the label values).
func do(col prometheus.Collector, method string, m *Metric) error {
	v := m.Value
	switch c := col.(type) {
	case prometheus.Gauge:
		return gaugeOp(c, method, v)
	case *prometheus.GaugeVec:
		g, err := c.GetMetricWithLabelValues(m.Labels...)
		if err != nil {
			return err
		}
		return gaugeOp(g, method, v)
	case prometheus.Counter:
		return counterOp(c, method, v)
	case *prometheus.CounterVec:
		if method != "Add" {
			return errUnsupported
		}
		ctr, err := c.GetMetricWithLabelValues(m.Labels...)
		if err != nil {
			return err
		}
		return counterOp(ctr, method, v)
	case prometheus.Observer: // Histogram, Summary
		if method != "Observe" {
			return errUnsupported
		}
		c.Observe(v)
		return nil
	case prometheus.ObserverVec:
		if method != "Observe" {
			return errUnsupported
		}
		o, err := c.GetMetricWithLabelValues(m.Labels...)
		if err != nil {
			return err
		}
		o.Observe(v)
		return nil
	}
	return errUnsupported
}

func gaugeOp(g prometheus.Gauge, method string, v float64) error {
	switch method {
	case "Add":
		g.Add(v)
	case "Sub":
		g.Sub(v)
	case "Set":
		g.Set(v)
	default:
		return errUnsupported
	}
	return nil
}

// counterOp adds to a counter; a negative value is refused (client_golang
// would panic on it).
func counterOp(c prometheus.Counter, method string, v float64) error {
	if method != "Add" {
		return errUnsupported
	}
	if v < 0 {
		return fmt.Errorf("a counter cannot decrease (value %v); use a gauge", v)
	}
	c.Add(v)
	return nil
}
