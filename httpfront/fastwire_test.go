package httpfront

import (
	"context"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/phprun/phprun/engine"
)

// stubExec has no workers: every job gets ErrNoFreeWorkers (503), enough
// for tests of the server wiring that need no PHP.
type stubExec struct{}

func (stubExec) Exec(context.Context, engine.Payload) (*engine.Response, error) {
	return nil, engine.ErrNoFreeWorkers
}
func (stubExec) Counts() engine.Counts { return engine.Counts{} }

// Which loop serves plain HTTP: the fast path, also with h2c (it hands
// connections that open with the HTTP/2 preface to net/http), and
// net/http's own with NoFastPath.
func TestPlainListenerLoop(t *testing.T) {
	for _, tc := range []struct {
		name     string
		h2c      bool
		noFast   bool
		wantFast bool
	}{
		{"default", false, false, true},
		{"h2c", true, false, true},
		{"NoFastPath", false, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := testConfig()
			cfg.HTTP2.H2C = tc.h2c
			f := startFront(t, cfg, stubExec{}, Options{NoFastPath: tc.noFast})
			f.srv.mu.Lock()
			gotFast := f.srv.fast != nil
			f.srv.mu.Unlock()
			if gotFast != tc.wantFast {
				t.Fatalf("fast path in use: %v, want %v", gotFast, tc.wantFast)
			}
			// Either way the server answers (503: the stub has no workers).
			c := &http.Client{Timeout: 5 * time.Second}
			resp, err := c.Get(f.url + "/")
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
				t.Fatalf("status %d, Retry-After %q, body %q", resp.StatusCode, resp.Header.Get("Retry-After"), body)
			}
		})
	}
}
