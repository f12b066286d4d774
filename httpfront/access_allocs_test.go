package httpfront

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/phprun/phprun/httpfront/access"
)

// TestAccessAllocs pins what the access recorder (on with the dashboard,
// the metrics plugin or access logs) adds to the hello path's allocations
// (TestHandlerAllocs): the request copy and the context value that carry
// the handler's notes (pid, queue wait, error) out to the record.
func TestAccessAllocs(t *testing.T) {
	pool := startPool(t, "hello", 1, nil, nil)
	seen := 0
	s, err := New(testConfig(), pool, Options{Access: func(r *access.Record) {
		if r.Status == 200 && r.PID > 0 {
			seen++
		}
	}})
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
	if seen == 0 {
		t.Fatal("no record with a status and a worker PID")
	}
	if n > 7 { // 6, and one more at times under -race
		t.Errorf("allocs per request with access records = %v, want ≤ 7", n)
	}
	t.Logf("allocs per request with access records: %v", n)
}

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
	h := accessMiddleware(inner, func(r *access.Record) { pids += r.PID }, nil, false)
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

// BenchmarkHandlerHelloAccess is BenchmarkHandlerHello with access
// records on (the dashboard's ring): the recorder's cost next to a real
// PHP round trip.
func BenchmarkHandlerHelloAccess(b *testing.B) {
	pool := startPool(b, "hello", 2, nil, nil)
	n := 0
	s, err := New(testConfig(), pool, Options{Access: func(*access.Record) { n++ }})
	if err != nil {
		b.Fatal(err)
	}
	h := s.Handler()
	r := httptest.NewRequest("GET", "http://localhost/hello?name=world", nil)
	w := &nopWriter{h: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		clear(w.h)
		w.status, w.n = 0, 0
		h.ServeHTTP(w, r)
		if w.status != 200 || w.n != 13 {
			b.Fatalf("status %d, %d bytes", w.status, w.n)
		}
	}
	if n == 0 {
		b.Fatal("no access record")
	}
}
