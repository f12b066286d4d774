package httpfront

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/phprun/phprun/httpfront/access"
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
	h := accessMiddleware(inner, func(r *access.Record) { pids += r.PID }, nil, false, true)
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
