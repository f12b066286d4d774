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

// The http_metrics middleware is the metrics plugin's HTTPMetrics fed from
// the access records (main chains its Record into Options.Access). These
// pin what turning it on costs the hello path: the access record and the
// counting, against the same handler without them.

// helloWith builds the front over pool with the access sink, or none.
func helloWith(t testing.TB, pool *engine.Pool, sink func(*access.Record)) http.Handler {
	t.Helper()
	s, err := New(testConfig(), pool, Options{Access: sink})
	if err != nil {
		t.Fatal(err)
	}
	return s.Handler()
}

func metricsSink() func(*access.Record) {
	h := metrics.NewHTTPMetrics()
	return func(r *access.Record) { h.Record(r.Status, r.Duration) }
}

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
	off := allocs(helloWith(t, pool, nil))
	on := allocs(helloWith(t, pool, metricsSink()))
	if on-off >= 0.5 {
		t.Errorf("allocs per request: %v with http_metrics, %v without", on, off)
	}
	t.Logf("allocs per request: %v with http_metrics, %v without", on, off)
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
		sink func(*access.Record)
	}{{"off", nil}, {"on", metricsSink()}} {
		b.Run(v.name, func(b *testing.B) {
			h := helloWith(b, pool, v.sink)
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
