package tui

import "time"

// MetricsSource is implemented by a Source whose server may run the
// metrics plugin. The metrics panel (m) lists the app's own collectors
// (metrics.collect and those declared over RPC) with their current values
// when MetricsEnabled is true, and says "metrics off" otherwise. Like
// Source, its methods run in commands, never in Update, and AppMetrics is
// only called while the panel is open, once per metricsInterval.
type MetricsSource interface {
	// MetricsEnabled reports whether the server runs the metrics plugin.
	MetricsEnabled() bool
	// AppMetrics returns the app collectors, sorted by name, each with its
	// series sorted by labels.
	AppMetrics() ([]AppMetric, error)
}

// AppMetric is one app collector as the metrics panel shows it.
type AppMetric struct {
	Name   string // the exposed name (namespace_subsystem_name)
	Type   string // counter, gauge, histogram or summary
	Help   string
	Series []MetricSeries // one per label combination; none before a vector's first use
}

// MetricSeries is one child of a collector: its label pairs and its value
// (counter, gauge) or its count and sum (histogram, summary).
type MetricSeries struct {
	Labels string // `queue="emails",status="ok"`; "" without labels
	Value  float64
	Count  uint64
	Sum    float64
}

// metricsInterval is how often the open panel re-reads the app metrics:
// gathering walks every collector, so it runs on its own slower timer and
// only while someone looks.
const metricsInterval = time.Second
