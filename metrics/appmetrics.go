package metrics

import (
	"fmt"
	"sort"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// AppMetric is an app collector (metrics.collect or metrics.Declare) with
// its current values, as the dashboard's metrics panel shows it.
type AppMetric struct {
	Name   string // the exposed name: namespace_subsystem_name
	Type   string // counter, gauge, histogram or summary
	Help   string
	Series []AppSeries // one per label combination, sorted by labels
}

// AppSeries is one child of an app collector: a counter's or gauge's
// value, or a histogram's or summary's count and sum.
type AppSeries struct {
	Labels string // `queue="emails",status="ok"`; "" without labels
	Value  float64
	Count  uint64
	Sum    float64
}

// AppMetrics reads the app collectors' current values, sorted by exposed
// name. It collects only those collectors (not the Go runtime, process and
// rr_* ones a scrape also walks), so the dashboard can call it once a
// second while its panel is open at a small cost.
func (p *Plugin) AppMetrics() ([]AppMetric, error) {
	p.mu.Lock()
	app := make([]*appMetric, 0, len(p.app))
	names := make([]string, 0, len(p.app))
	for n, m := range p.app {
		app, names = append(app, m), append(names, n)
	}
	p.mu.Unlock()

	out := make([]AppMetric, 0, len(app))
	for i, m := range app {
		am := AppMetric{Name: prometheus.BuildFQName(m.spec.Namespace, m.spec.Subsystem, names[i]), Type: m.spec.Type, Help: m.spec.Help}
		ch := make(chan prometheus.Metric, 16)
		go func() {
			m.col.Collect(ch)
			close(ch)
		}()
		var err error
		for pm := range ch { // drain even after an error, so Collect returns
			var d dto.Metric
			if err == nil {
				err = pm.Write(&d)
			}
			am.Series = append(am.Series, series(&d))
		}
		if err != nil {
			return nil, fmt.Errorf("metrics: read %s: %w", am.Name, err)
		}
		sort.Slice(am.Series, func(a, b int) bool { return am.Series[a].Labels < am.Series[b].Labels })
		out = append(out, am)
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Name < out[b].Name })
	return out, nil
}

// series converts one written metric.
func series(d *dto.Metric) AppSeries {
	var s AppSeries
	pairs := make([]string, 0, len(d.GetLabel()))
	for _, l := range d.GetLabel() {
		pairs = append(pairs, fmt.Sprintf("%s=%q", l.GetName(), l.GetValue()))
	}
	s.Labels = strings.Join(pairs, ",")
	switch {
	case d.Counter != nil:
		s.Value = d.GetCounter().GetValue()
	case d.Gauge != nil:
		s.Value = d.GetGauge().GetValue()
	case d.Histogram != nil:
		s.Count, s.Sum = d.GetHistogram().GetSampleCount(), d.GetHistogram().GetSampleSum()
	case d.Summary != nil:
		s.Count, s.Sum = d.GetSummary().GetSampleCount(), d.GetSummary().GetSampleSum()
	}
	return s
}
