package httpfront

import (
	"bytes"
	"crypto/sha256"
	"io"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/phprun/phprun/engine"
)

// TestLargeFramePassesThrough: a response sent as one 24 MiB frame reaches
// the client intact, while phprun allocates only a small part of it: the
// body goes from the relay to the client as it arrives (issue #16: each
// 50 MB response raised peak memory by ~50 MB). A keep-alive request
// after it is served by the same worker.
func TestLargeFramePassesThrough(t *testing.T) {
	pool := startPool(t, "special", 1, nil, func(c *engine.Config) {
		c.Server.Command = append(c.Server.Command[:1], append([]string{"-d", "memory_limit=256M"}, c.Server.Command[1:]...)...)
	})
	const mb = 24
	want := sha256.Sum256(bytes.Repeat([]byte("0123456789abcdef"), mb*65536))
	for _, noFast := range []bool{false, true} {
		f := startFront(t, testConfig(), pool, Options{NoFastPath: noFast})
		client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{DisableCompression: true}}
		get(t, f.url+"/") // warm up both sides
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		resp, err := client.Get(f.url + "/large?mb=24")
		if err != nil {
			t.Fatal(err)
		}
		h := sha256.New()
		n, err := io.CopyBuffer(h, resp.Body, make([]byte, 32<<10))
		resp.Body.Close()
		runtime.ReadMemStats(&after)
		if err != nil || n != mb<<20 || !bytes.Equal(h.Sum(nil), want[:]) {
			t.Fatalf("no fast path %v: %d bytes, %v, checksum match %v", noFast, n, err, bytes.Equal(h.Sum(nil), want[:]))
		}
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 8<<20 {
			t.Fatalf("no fast path %v: %d MiB allocated to pass a %d MiB body", noFast, alloc>>20, mb)
		}
		if r, body := get(t, f.url+"/"); r.StatusCode != 200 || body != "hello" {
			t.Fatalf("after the large body: %d %q", r.StatusCode, body)
		}
		if strings.Contains(f.logs.String(), "level=ERROR") {
			t.Fatalf("errors logged:\n%s", f.logs.String())
		}
	}
}
