package metrics_test

import (
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/phprun/phprun/engine"
	"github.com/phprun/phprun/metrics"
)

func sampleStats(n int) engine.Stats {
	st := engine.Stats{Pool: "http", Queue: 3}
	for i := 0; i < n; i++ {
		state := engine.StateReady
		switch i % 4 {
		case 1:
			state = engine.StateWorking
		case 2:
			state = engine.StateErrored
		}
		st.Workers = append(st.Workers, engine.WorkerInfo{PID: 1000 + i, State: state, RSS: uint64(1 << 20 * (i + 1))})
	}
	return st
}

// TestBuiltinMetrics: RoadRunner's names, labels and HELP texts for the
// HTTP pool and the http_metrics middleware, read back through /metrics.
func TestBuiltinMetrics(t *testing.T) {
	p, _ := startPlugin(t, metrics.Config{})
	st := sampleStats(4)
	if err := p.Register(metrics.NewPoolCollector("http", func() engine.Stats { return st })); err != nil {
		t.Fatal(err)
	}
	if err := p.Register(metrics.NewPoolCollector("jobs", func() engine.Stats { return sampleStats(2) })); err != nil {
		t.Fatal(err)
	}
	h := metrics.NewHTTPMetrics()
	if err := p.Register(h); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		h.Record(200, 2*time.Millisecond)
	}
	h.Record(404, 700*time.Millisecond)
	fams, _ := scrape(t, p.Addr())
	for _, v := range []struct {
		name   string
		labels []string
		want   float64
		help   string
	}{
		{"rr_http_request_total", []string{"status", "200"}, 3, "Total number of handled http requests after server restart."},
		{"rr_http_request_total", []string{"status", "404"}, 1, ""},
		{"rr_http_request_duration_seconds", []string{"status", "404"}, 1, "HTTP request duration."},
		{"rr_http_requests_queue", nil, 3, "Total number of queued requests."},
		{"rr_http_total_workers", nil, 4, "Total number of workers used by the HTTP plugin"},
		{"rr_http_workers_memory_bytes", nil, float64(10 << 20), "Memory usage by HTTP workers."},
		{"rr_http_workers_ready", nil, 2, "HTTP workers currently in ready state"},
		{"rr_http_workers_working", nil, 1, "HTTP workers currently in working state"},
		{"rr_http_workers_invalid", nil, 1, "HTTP workers currently in invalid,killing,destroyed,errored,inactive states"},
		{"rr_http_worker_memory_bytes", []string{"pid", "1001"}, float64(2 << 20), "Worker current memory usage"},
		{"rr_http_worker_state", []string{"pid", "1002", "state", "errored"}, 0, "Worker current state"},
		{"rr_jobs_total_workers", nil, 2, "Total number of workers used by the plugin"},
		{"rr_jobs_workers_ready", nil, 1, "Workers currently in ready state"},
		{"rr_jobs_workers_memory_bytes", nil, float64(3 << 20), "Memory usage by workers."},
	} {
		got, ok := value(t, fams, v.name, v.labels...)
		if !ok || got != v.want {
			t.Errorf("%s%v = %v (found %v), want %v", v.name, v.labels, got, ok, v.want)
		}
		if v.help != "" && fams[v.name].GetHelp() != v.help {
			t.Errorf("HELP %s = %q, want %q", v.name, fams[v.name].GetHelp(), v.help)
		}
	}
	if up, ok := value(t, fams, "rr_http_uptime_seconds"); !ok || up <= 0 || fams["rr_http_uptime_seconds"].GetType().String() != "COUNTER" {
		t.Errorf("rr_http_uptime_seconds = %v %v", up, ok)
	}
	var bounds []float64
	for _, b := range fams["rr_http_request_duration_seconds"].GetMetric()[0].GetHistogram().GetBucket() {
		bounds = append(bounds, b.GetUpperBound())
	}
	if fmt.Sprint(bounds) != "[0.005 0.01 0.025 0.05 0.1 0.25 0.5 1 2.5 5 10 20 30 60 +Inf]" {
		t.Errorf("duration buckets = %v", bounds)
	}
}

// TestHTTPRecordAllocs pins the hot path: counting a request allocates
// nothing once its status has been seen.
func TestHTTPRecordAllocs(t *testing.T) {
	h := metrics.NewHTTPMetrics()
	h.Record(200, time.Millisecond)
	if n := testing.AllocsPerRun(1000, func() { h.Record(200, time.Millisecond) }); n != 0 {
		t.Fatalf("Record allocates %v times per request, want 0", n)
	}
}

func BenchmarkHTTPRecord(b *testing.B) {
	h := metrics.NewHTTPMetrics()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			h.Record(200, time.Millisecond)
		}
	})
}

// BenchmarkScrape is one /metrics scrape over loopback with 64 workers and
// 20 app metrics (the bound: 5 ms).
func BenchmarkScrape(b *testing.B) {
	collect := map[string]metrics.Collector{}
	for i := range 20 {
		collect[fmt.Sprintf("app_metric_%d", i)] = metrics.Collector{Type: []string{"counter", "gauge", "histogram", "summary"}[i%4], Labels: []string{"kind"}}
	}
	p, _ := startPlugin(b, metrics.Config{Collect: collect})
	st := sampleStats(64)
	if err := p.Register(metrics.NewPoolCollector("http", func() engine.Stats { return st })); err != nil {
		b.Fatal(err)
	}
	h := metrics.NewHTTPMetrics()
	_ = p.Register(h)
	for _, s := range []int{200, 301, 404, 500} {
		h.Record(s, time.Millisecond)
	}
	b.ResetTimer()
	for b.Loop() {
		resp, err := http.Get("http://" + p.Addr() + "/metrics")
		if err != nil {
			b.Fatal(err)
		}
		if _, err := io.Copy(io.Discard, resp.Body); err != nil {
			b.Fatal(err)
		}
		resp.Body.Close()
	}
}
