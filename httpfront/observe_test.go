package httpfront

import (
	"bytes"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/phprun/phprun/httpfront/access"
)

// statusTally is an Options.Observe that counts statuses.
type statusTally struct {
	mu     sync.Mutex
	counts map[int]int
	bad    int // observations with a duration <= 0
}

func (s *statusTally) observe(status int, d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.counts[status]++
	if d <= 0 {
		s.bad++
	}
}

func (s *statusTally) snapshot() (map[int]int, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.counts), s.bad
}

// TestObserveCountsEveryRequest: the http_metrics observer sees every
// request through the real server with its final status, whoever answered:
// a static file, PHP, phprun's own 4xx/5xx, a response cut by a dying
// worker (counted with the status it went out with). The same with the
// lean recorder (metrics alone) and with access records alongside (the
// dashboard).
func TestObserveCountsEveryRequest(t *testing.T) {
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "a.txt"), []byte("static"), 0o644); err != nil {
		t.Fatal(err)
	}
	pool := startPool(t, "special", 2, nil, nil)
	for _, withAccess := range []bool{false, true} {
		name := "lean"
		if withAccess {
			name = "with access records"
		}
		t.Run(name, func(t *testing.T) {
			tally := &statusTally{counts: map[int]int{}}
			opts := Options{Observe: tally.observe}
			if withAccess {
				opts.Access = func(*access.Record) {}
			}
			cfg := testConfig()
			cfg.Middleware = []string{"static"}
			cfg.Static = StaticConfig{Dir: root, Forbid: []string{".php"}}
			cfg.MaxRequestSize = 1 // MiB
			f := startFront(t, cfg, pool, opts)
			client := &http.Client{Timeout: 10 * time.Second}
			send := func(method, path string, body []byte, want int) {
				t.Helper()
				req, err := http.NewRequest(method, f.url+path, bytes.NewReader(body))
				if err != nil {
					t.Fatal(err)
				}
				resp, err := client.Do(req)
				if err != nil {
					if want == 0 {
						return // a cut response may fail the client
					}
					t.Fatalf("%s %s: %v", method, path, err)
				}
				resp.Body.Close()
				if want != 0 && resp.StatusCode != want {
					t.Fatalf("%s %s: status %d, want %d", method, path, resp.StatusCode, want)
				}
			}
			send("GET", "/a.txt", nil, 200)                 // static
			send("GET", "/status?code=404", nil, 404)       // PHP
			send("GET", "/error", nil, 500)                 // worker error, phprun's 500
			send("POST", "/body", make([]byte, 2<<20), 413) // over max_request_size
			send("GET", "/cut?how=kill", nil, 0)            // 200 went out, then cut
			want := map[int]int{200: 2, 404: 1, 500: 1, 413: 1}
			deadline := time.Now().Add(5 * time.Second)
			for {
				got, bad := tally.snapshot()
				if maps.Equal(got, want) && bad == 0 {
					return
				}
				if time.Now().After(deadline) {
					t.Fatalf("observed %v (%d without a duration), want %v", got, bad, want)
				}
				time.Sleep(10 * time.Millisecond)
			}
		})
	}
}
