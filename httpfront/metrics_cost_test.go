package httpfront

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/phprun/phprun/engine"
	"github.com/phprun/phprun/httpfront/access"
	"github.com/phprun/phprun/internal/cputime"
	"github.com/phprun/phprun/metrics"
)

// The http_metrics middleware is the metrics plugin's HTTPMetrics.Record
// as Options.Observe (plugin_metrics.go), or chained after the access
// records when the dashboard or access logs build them. These pin what
// turning it on costs the hello path, against the same handler without it.

// helloWith builds the front over pool with opts.
func helloWith(t testing.TB, pool *engine.Pool, opts Options) http.Handler {
	t.Helper()
	s, err := New(testConfig(), pool, opts)
	if err != nil {
		t.Fatal(err)
	}
	return s.Handler()
}

// metricsOptions are the front's options as main sets them for
// http_metrics alone (plugin_metrics.go).
func metricsOptions() Options { return Options{Observe: metrics.NewHTTPMetrics().Record} }

// TestHTTPMetricsAddNoAllocs: a hello request allocates no more with
// http_metrics on than off. Under -race sync.Pool drops a quarter of what
// it is given back, so the access writer is sometimes made again: the
// bound is half an allocation per request, which any real allocation per
// request exceeds.
func TestHTTPMetricsAddNoAllocs(t *testing.T) {
	pool := startPool(t, "hello", 1, nil, nil)
	r := httptest.NewRequest("GET", "http://localhost/hello", nil)
	w := &nopWriter{h: http.Header{}}
	allocs := func(h http.Handler) float64 {
		return testing.AllocsPerRun(200, func() {
			clear(w.h)
			h.ServeHTTP(w, r)
		})
	}
	off := allocs(helloWith(t, pool, Options{}))
	for _, v := range []struct {
		name string
		opts Options
	}{
		{"http_metrics", metricsOptions()},
		{"http_metrics and access records", Options{Access: func(*access.Record) {}, Observe: metrics.NewHTTPMetrics().Record}},
	} {
		on := allocs(helloWith(t, pool, v.opts))
		if on-off >= 0.5 {
			t.Errorf("allocs per request: %v with %s, %v without", on, v.name, off)
		}
		t.Logf("allocs per request: %v with %s, %v without", on, v.name, off)
	}
}

// BenchmarkHelloMetrics runs the hello path through the handler into two
// real PHP workers with http_metrics off and on. The PHP round trip and
// the machine's load dominate ns/op; cpu-ns/op is the Go process's own CPU
// per request (the PHP workers are other processes), the figure to compare.
// The req/s check over real connections is bench/http.sh with
// VARIANTS="default metrics=on".
func BenchmarkHelloMetrics(b *testing.B) {
	pool := startPool(b, "hello", 2, nil, nil)
	r := httptest.NewRequest("GET", "http://localhost/hello?name=world", nil)
	for _, v := range []struct {
		name string
		opts Options
	}{{"off", Options{}}, {"on", metricsOptions()}} {
		b.Run(v.name, func(b *testing.B) {
			h := helloWith(b, pool, v.opts)
			w := &nopWriter{h: http.Header{}}
			b.ReportAllocs()
			start := cputime.Self()
			for b.Loop() {
				clear(w.h)
				w.status, w.n = 0, 0
				h.ServeHTTP(w, r)
				if w.status != 200 {
					b.Fatalf("status %d", w.status)
				}
			}
			b.ReportMetric(float64(cputime.Self()-start)/float64(b.N), "cpu-ns/op")
		})
	}
}
