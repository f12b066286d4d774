package httpfront

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/phprun/phprun/httpfront/access"
)

// nopWriter is a reusable ResponseWriter so that the benchmark measures
// the handler, not a recorder.
type nopWriter struct {
	h      http.Header
	status int
	n      int
}

func (w *nopWriter) Header() http.Header         { return w.h }
func (w *nopWriter) WriteHeader(code int)        { w.status = code }
func (w *nopWriter) Write(p []byte) (int, error) { w.n += len(p); return len(p), nil }

// BenchmarkHandlerHello runs GET requests through the handler into two
// real PHP workers (php-skeleton/examples/hello.php). It reports the Go
// side's allocations per request; time per op includes the PHP round trip.
func BenchmarkHandlerHello(b *testing.B) { benchHello(b, Options{}) }

// BenchmarkHandlerHelloAccess is the same with access records on (the
// dashboard's ring): the recorder's cost next to a real PHP round trip.
func BenchmarkHandlerHelloAccess(b *testing.B) {
	benchHello(b, Options{Access: func(*access.Record) {}, AccessDetail: true})
}

func benchHello(b *testing.B, opts Options) {
	pool := startPool(b, "hello", 2, nil, nil)
	s, err := New(testConfig(), pool, opts)
	if err != nil {
		b.Fatal(err)
	}
	h := s.Handler()
	r := httptest.NewRequest("GET", "http://localhost/hello?name=world", nil)
	r.Header.Set("User-Agent", "wrk")
	r.Header.Set("Accept", "*/*")
	w := &nopWriter{h: http.Header{}}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		clear(w.h)
		w.status, w.n = 0, 0
		h.ServeHTTP(w, r)
		if w.status != 200 || w.n != 13 {
			b.Fatalf("status %d, %d bytes", w.status, w.n)
		}
	}
}

// TestHandlerAllocs pins the per-request allocations of the hello path:
// the response header value and its slice, the engine's Response, plus
// the map entry for the header. Passing large bodies through in parts
// (engine.Payload.StreamBody) added none: 4 before and after without
// -race; engine's TestExecAllocs pins the engine side exactly. Access
// records with the worker's details (the dashboard's) add the request
// copy and the context value that carry the handler's note to the
// record: 6. Without details (http_metrics) they add none
// (TestHTTPMetricsAddNoAllocs).
func TestHandlerAllocs(t *testing.T) {
	pool := startPool(t, "hello", 1, nil, nil)
	for _, tc := range []struct {
		name string
		opts Options
		max  float64 // one more than measured: sync.Pool drops items at times under -race
	}{
		{"plain", Options{}, 5},
		{"access records with worker details", Options{AccessDetail: true, Access: func(r *access.Record) {
			if r.Status != 200 || r.PID == 0 {
				t.Errorf("record without status or worker: %+v", r)
			}
		}}, 7},
	} {
		s, err := New(testConfig(), pool, tc.opts)
		if err != nil {
			t.Fatal(err)
		}
		h := s.Handler()
		r := httptest.NewRequest("GET", "http://localhost/hello", nil)
		w := &nopWriter{h: http.Header{}}
		n := testing.AllocsPerRun(200, func() {
			clear(w.h)
			h.ServeHTTP(w, r)
		})
		if n > tc.max {
			t.Errorf("%s: allocs per request = %v, want ≤ %v", tc.name, n, tc.max)
		}
		t.Logf("%s: allocs per request: %v", tc.name, n)
	}
}
