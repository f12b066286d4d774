package metrics

import (
	"fmt"
	"slices"

	"github.com/prometheus/client_golang/prometheus"
)

// appMetric is one app collector and the spec it was declared with.
type appMetric struct {
	spec Collector
	col  prometheus.Collector
}

// build makes the client_golang collector for spec under the RPC name.
// Vectors are used when labels are given, plain metrics otherwise, as in
// RoadRunner.
func build(name string, spec Collector) (prometheus.Collector, error) {
	if err := spec.check(name); err != nil {
		return nil, err
	}
	labels := spec.Labels
	switch spec.Type {
	case "counter":
		o := prometheus.CounterOpts{Namespace: spec.Namespace, Subsystem: spec.Subsystem, Name: name, Help: spec.Help}
		if len(labels) > 0 {
			return prometheus.NewCounterVec(o, labels), nil
		}
		return prometheus.NewCounter(o), nil
	case "gauge":
		o := prometheus.GaugeOpts{Namespace: spec.Namespace, Subsystem: spec.Subsystem, Name: name, Help: spec.Help}
		if len(labels) > 0 {
			return prometheus.NewGaugeVec(o, labels), nil
		}
		return prometheus.NewGauge(o), nil
	case "histogram":
		o := prometheus.HistogramOpts{Namespace: spec.Namespace, Subsystem: spec.Subsystem, Name: name, Help: spec.Help, Buckets: spec.Buckets}
		if len(labels) > 0 {
			return prometheus.NewHistogramVec(o, labels), nil
		}
		return prometheus.NewHistogram(o), nil
	default: // summary; check() allowed nothing else
		q, _ := spec.Quantiles()
		o := prometheus.SummaryOpts{Namespace: spec.Namespace, Subsystem: spec.Subsystem, Name: name, Help: spec.Help, Objectives: q}
		if len(labels) > 0 {
			return prometheus.NewSummaryVec(o, labels), nil
		}
		return prometheus.NewSummary(o), nil
	}
}

// sameShape reports whether a re-declaration matches the existing metric:
// same type, exposed name and labels. Help and buckets may differ (the
// first declaration wins, as in RoadRunner).
func sameShape(a, b Collector) bool {
	return a.Type == b.Type && a.Namespace == b.Namespace && a.Subsystem == b.Subsystem && slices.Equal(a.Labels, b.Labels)
}

// describe names a spec for error messages: "a counter with labels [type]".
func describe(c Collector) string {
	s := "a " + c.Type
	if len(c.Labels) > 0 {
		s += fmt.Sprintf(" with labels %v", c.Labels)
	}
	if c.Namespace != "" || c.Subsystem != "" {
		s += fmt.Sprintf(" (namespace %q, subsystem %q)", c.Namespace, c.Subsystem)
	}
	return s
}
