package metrics_test

import (
	"testing"

	"github.com/phprun/phprun/metrics"
)

// TestJobsMetrics: the jobs plugin's counters under RoadRunner's names,
// types, labels and HELP texts, read back through /metrics.
func TestJobsMetrics(t *testing.T) {
	p, _ := startPlugin(t, metrics.Config{})
	fig := metrics.JobsFigures{PushOK: 7, PushErr: 1, JobsOK: 5, JobsErr: 2, JobsRequeue: 3, Pushes: []metrics.JobsPushSeries{
		{Driver: "memory", Job: "emails", Source: "single", Count: 4, SumSeconds: 0.5, Buckets: map[float64]uint64{.005: 1, .01: 3, 10: 4}},
		{Driver: "amqp", Job: "orders", Source: "batch", Count: 3, SumSeconds: 0.2, Buckets: map[float64]uint64{.005: 3, .01: 3, 10: 3}},
	}}
	if err := p.Register(metrics.NewJobsCollector(func() metrics.JobsFigures { return fig })); err != nil {
		t.Fatal(err)
	}
	fams, _ := scrape(t, p.Addr())
	for _, v := range []struct {
		name, typ string
		labels    []string
		want      float64
		help      string
	}{
		{"rr_jobs_push_ok", "GAUGE", nil, 7, "Number of job push"},
		{"rr_jobs_push_err", "GAUGE", nil, 1, "Number of jobs push which was failed"},
		{"rr_jobs_jobs_ok", "GAUGE", nil, 5, "Number of successfully processed jobs"},
		{"rr_jobs_jobs_err", "GAUGE", nil, 2, "Number of jobs error while processing in the worker"},
		{"rr_jobs_jobs_requeue", "COUNTER", nil, 3, "Number of re-queued jobs"},
		{"rr_jobs_requests_total", "COUNTER", []string{"driver", "memory", "job", "emails", "source", "single"}, 4, "The total number of requests sent to the JOBS plugin"},
		{"rr_jobs_requests_total", "COUNTER", []string{"driver", "amqp", "job", "orders", "source", "batch"}, 3, ""},
		{"rr_jobs_push_latency", "HISTOGRAM", []string{"driver", "memory", "job", "emails", "source", "single"}, 4, "Histogram represents latency for pushed operation"},
	} {
		got, ok := value(t, fams, v.name, v.labels...)
		if !ok || got != v.want {
			t.Errorf("%s%v = %v (found %v), want %v", v.name, v.labels, got, ok, v.want)
		}
		if typ := fams[v.name].GetType().String(); typ != v.typ {
			t.Errorf("%s type %s, want %s", v.name, typ, v.typ)
		}
		if v.help != "" && fams[v.name].GetHelp() != v.help {
			t.Errorf("HELP %s = %q, want %q", v.name, fams[v.name].GetHelp(), v.help)
		}
	}
	for _, m := range fams["rr_jobs_push_latency"].GetMetric() {
		h := m.GetHistogram()
		// the three bounds given, then +Inf
		if h.GetSampleCount() == 4 && (h.GetSampleSum() != 0.5 || len(h.GetBucket()) != 4 || h.GetBucket()[1].GetCumulativeCount() != 3) {
			t.Errorf("rr_jobs_push_latency{emails} = %v", h)
		}
	}
}
