package main

import (
	"github.com/phprun/phprun/tui"
)

// The dashboard's metrics panel reads the app's collectors through
// tui.MetricsSource; the panel calls AppMetrics once a second while it is
// open, in a command, never from its Update.
var _ tui.MetricsSource = (*tuiSource)(nil)

// MetricsEnabled: the config has a metrics section.
func (t *tuiSource) MetricsEnabled() bool { return t.s.metrics != nil }

// AppMetrics converts the metrics plugin's app collectors for the panel.
func (t *tuiSource) AppMetrics() ([]tui.AppMetric, error) {
	if t.s.metrics == nil {
		return nil, nil
	}
	ms, err := t.s.metrics.AppMetrics()
	if err != nil {
		return nil, err
	}
	out := make([]tui.AppMetric, len(ms))
	for i, m := range ms {
		out[i] = tui.AppMetric{Name: m.Name, Type: m.Type, Help: m.Help, Series: make([]tui.MetricSeries, len(m.Series))}
		for k, s := range m.Series {
			out[i].Series[k] = tui.MetricSeries{Labels: s.Labels, Value: s.Value, Count: s.Count, Sum: s.Sum}
		}
	}
	return out, nil
}
