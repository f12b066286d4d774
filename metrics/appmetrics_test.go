package metrics_test

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/phprun/phprun/metrics"
)

// AppMetrics lists exactly the app collectors (config and Declare, not the
// runtime or rr_* ones) with the values the RPC calls gave them.
func TestAppMetrics(t *testing.T) {
	p, err := metrics.New(metrics.Config{Address: "127.0.0.1:0", Collect: map[string]metrics.Collector{
		"queue_depth": {Type: "gauge", Help: "Depth", Labels: []string{"queue"}},
	}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Register(metrics.NewHTTPMetrics()); err != nil {
		t.Fatal(err)
	}
	s := p.Service()
	var ok bool
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(s.Declare(&metrics.NamedCollector{Name: "orders", Collector: metrics.Collector{Type: "counter", Namespace: "app"}}, &ok))
	must(s.Declare(&metrics.NamedCollector{Name: "lat", Collector: metrics.Collector{Type: "histogram", Buckets: []float64{1}}}, &ok))
	must(s.Declare(&metrics.NamedCollector{Name: "sizes", Collector: metrics.Collector{Type: "summary", Labels: []string{"kind"}}}, &ok))
	must(s.Declare(&metrics.NamedCollector{Name: "gone", Collector: metrics.Collector{Type: "counter"}}, &ok))
	must(s.Unregister("gone", &ok))
	must(s.Add(&metrics.Metric{Name: "orders", Value: 3}, &ok))
	must(s.Set(&metrics.Metric{Name: "queue_depth", Value: 12, Labels: []string{"reports"}}, &ok))
	must(s.Set(&metrics.Metric{Name: "queue_depth", Value: 2.5, Labels: []string{"emails"}}, &ok))
	must(s.Observe(&metrics.Metric{Name: "lat", Value: 0.25}, &ok))
	must(s.Observe(&metrics.Metric{Name: "lat", Value: 2}, &ok))

	got, err := p.AppMetrics()
	if err != nil {
		t.Fatal(err)
	}
	want := []metrics.AppMetric{
		{Name: "app_orders", Type: "counter", Series: []metrics.AppSeries{{Value: 3}}},
		{Name: "lat", Type: "histogram", Series: []metrics.AppSeries{{Count: 2, Sum: 2.25}}},
		{Name: "queue_depth", Type: "gauge", Help: "Depth", Series: []metrics.AppSeries{
			{Labels: `queue="emails"`, Value: 2.5}, {Labels: `queue="reports"`, Value: 12}}},
		{Name: "sizes", Type: "summary"}, // a vector before its first use has no series
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("AppMetrics\n got %+v\nwant %+v", got, want)
	}
}

// BenchmarkAppMetrics is the dashboard's read with 20 app metrics of 4
// series each: it runs once a second while the metrics panel is open.
func BenchmarkAppMetrics(b *testing.B) {
	p, err := metrics.New(metrics.Config{Address: "127.0.0.1:0"}, nil)
	if err != nil {
		b.Fatal(err)
	}
	s := p.Service()
	var ok bool
	for i := range 20 {
		name := fmt.Sprintf("app_metric_%d", i)
		typ := []string{"counter", "gauge", "histogram", "summary"}[i%4]
		if err := s.Declare(&metrics.NamedCollector{Name: name, Collector: metrics.Collector{Type: typ, Labels: []string{"kind"}}}, &ok); err != nil {
			b.Fatal(err)
		}
		for k := range 4 {
			m := &metrics.Metric{Name: name, Value: 1, Labels: []string{fmt.Sprint(k)}}
			if typ == "histogram" || typ == "summary" {
				err = s.Observe(m, &ok)
			} else {
				err = s.Add(m, &ok)
			}
			if err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.AppMetrics(); err != nil {
			b.Fatal(err)
		}
	}
}
