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
