package httpfront

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestProbesReadOnlySnapshots: /health and /ready (and their ?plugin=
// forms) cost the pool a Counts call each, which allocates nothing, so a
// probe cannot be reading files or copying the worker table: any
// os.ReadFile or Stats would show up as allocations.
func TestProbesReadOnlySnapshots(t *testing.T) {
	pool := startPool(t, "slow", 2, nil, nil)
	f := startFront(t, testConfig(), pool, Options{})
	for name, check := range map[string]func() (int, string){"Health": f.srv.Health, "Ready": f.srv.Ready} {
		if code, msg := check(); code != http.StatusOK {
			t.Fatalf("%s: %d %q", name, code, msg)
		}
		if n := testing.AllocsPerRun(50, func() { check() }); n != 0 {
			t.Errorf("%s allocates %v times per probe", name, n)
		}
	}
	sc := DefaultStatusConfig()
	sc.Address = "127.0.0.1:0"
	st, err := NewStatus(sc, nil, f.srv)
	if err != nil {
		t.Fatal(err)
	}
	h := st.Handler()
	for _, path := range []string{"/health", "/ready", "/health?plugin=http", "/ready?plugin=http", "/jobs"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if rec.Code != http.StatusOK || rec.Body.String() != `[{"plugin_name":"http","error_message":"","status_code":200}]` {
			t.Errorf("%s: %d %s", path, rec.Code, rec.Body)
		}
	}
}
