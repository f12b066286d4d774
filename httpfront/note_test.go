package httpfront

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/phprun/phprun/engine"
	"github.com/phprun/phprun/httpfront/access"
)

// TestAccessRecordNotes: what only the worker handler knows reaches the
// access record through the request's note, across the middlewares: the
// worker and error of a response cut midway (status stays the 200 that
// went out), and 499 for a client that went away while its job queued.
func TestAccessRecordNotes(t *testing.T) {
	pool := startPool(t, "special", 1, nil, nil)
	var mu sync.Mutex
	recs := map[string]access.Record{}
	cfg := testConfig()
	cfg.Middleware = []string{"headers", "gzip", "sendfile"} // writers between the recorder and the handler
	f := startFront(t, cfg, pool, Options{AccessDetail: true, Access: func(r *access.Record) {
		mu.Lock()
		recs[r.Path+"?"+r.Query] = *r
		mu.Unlock()
	}})
	pid := pool.Stats().Workers[0].PID
	addr := strings.TrimPrefix(f.url, "http://")
	rawExchange(t, addr, "GET /cut?how=kill HTTP/1.1\r\nHost: x\r\n\r\n", 10*time.Second)

	busy := make(chan struct{})
	go func() { defer close(busy); get(t, f.url+"/sleep?ms=800") }() // the only worker
	waitFor(t, func() bool { return pool.Stats().Count(engine.StateWorking) == 1 })
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", f.url+"/sleep?ms=1", nil)
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Fatal("the sleeping request answered before the client's deadline")
	}
	record := func(path string) (access.Record, bool) {
		mu.Lock()
		defer mu.Unlock()
		r, ok := recs[path]
		return r, ok
	}
	<-busy
	waitFor(t, func() bool { _, ok := record("/sleep?ms=1"); return ok })
	cut, _ := record("/cut?how=kill")
	if cut.Status != 200 || cut.PID != pid || !strings.HasPrefix(cut.Error, "response cut: ") {
		t.Errorf("cut record: %+v, want 200, pid %d and the cut", cut, pid)
	}
	gone, _ := record("/sleep?ms=1")
	if gone.Status != 499 || gone.Error != "client went away" || gone.Bytes != 0 {
		t.Errorf("client-gone record: %+v, want 499 and why", gone)
	}
}
