package httpfront

import (
	"net/http"
	"net/http/httptest"
	"testing"
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
func BenchmarkHandlerHello(b *testing.B) {
	pool := startPool(b, "hello", 2, nil, nil)
	s, err := New(testConfig(), pool, Options{})
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
// -race; engine's TestExecAllocs pins the engine side exactly.
func TestHandlerAllocs(t *testing.T) {
	pool := startPool(t, "hello", 1, nil, nil)
	s, err := New(testConfig(), pool, Options{})
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
	if n > 5 { // 4, and one more at times under -race (sync.Pool drops items there)
		t.Errorf("allocs per request = %v, want ≤ 5", n)
	}
	t.Logf("allocs per request: %v", n)
}
