package httpfront

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/phprun/phprun/httpfront/access"
	"github.com/phprun/phprun/metrics"
)

// BenchmarkAccessMiddleware is the access recorder's own cost around a Go
// handler that answers at once and fills the request's note (as the
// worker handler does), without PHP: what the note in the context costs
// next to the record, the pooled writer and the sink call.
func BenchmarkAccessMiddleware(b *testing.B) {
	inner := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n := noteOf(r.Context()); n != nil {
			n.pid = 42
		}
		_, _ = w.Write([]byte("Hello, world!"))
	})
	pids := 0
	h := accessMiddleware(inner, func(r *access.Record) { pids += r.PID }, nil, nil, false, true)
	r := httptest.NewRequest("GET", "http://localhost/hello", nil)
	w := &nopWriter{h: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		h.ServeHTTP(w, r)
	}
	if pids == 0 {
		b.Fatal("the note did not reach the record")
	}
}

// BenchmarkObserveMiddleware is what http_metrics adds around a Go handler
// that answers at once: counted through a whole access record (the path
// when the dashboard or access logs build records anyway) against the lean
// status-and-duration recorder (metrics alone). Subtract "bare".
func BenchmarkObserveMiddleware(b *testing.B) {
	inner := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("Hello, world!")) })
	m := metrics.NewHTTPMetrics()
	for _, v := range []struct {
		name string
		h    http.Handler
	}{
		{"bare", inner},
		{"access", accessMiddleware(inner, func(*access.Record) {}, m.Record, nil, false, false)},
		{"lean", newObserveMiddleware(inner, m.Record)},
	} {
		b.Run(v.name, func(b *testing.B) {
			r := httptest.NewRequest("GET", "http://localhost/hello", nil)
			w := &nopWriter{h: http.Header{}}
			b.ReportAllocs()
			for b.Loop() {
				v.h.ServeHTTP(w, r)
			}
		})
	}
}
