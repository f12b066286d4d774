package httpfront

import (
	"strconv"
	"strings"
	"testing"
)

// TestBodilessStatusWithBody: PHP answering 204 or 304 with a body gets the
// status without the body, and no error in the log (issue #16: it was
// logged as ERROR 500 "client went away").
func TestBodilessStatusWithBody(t *testing.T) {
	pool := startPool(t, "special", 1, nil, nil)
	for _, noFast := range []bool{false, true} {
		cfg := testConfig()
		cfg.AccessLogs = true
		f := startFront(t, cfg, pool, Options{NoFastPath: noFast})
		for _, code := range []string{"204", "304"} {
			resp, body := get(t, f.url+"/nobody?code="+code)
			if resp.Status[:3] != code || body != "" {
				t.Fatalf("no fast path %v: %s %q", noFast, resp.Status, body)
			}
		}
		logs := f.logs.String()
		if strings.Contains(logs, "level=ERROR") || strings.Contains(logs, "went away") || strings.Contains(logs, "status=500") {
			t.Fatalf("no fast path %v: errors logged:\n%s", noFast, logs)
		}
		if !strings.Contains(logs, "status=204") || !strings.Contains(logs, "status=304") {
			t.Fatalf("no fast path %v: access lines missing:\n%s", noFast, logs)
		}
	}
}

// TestControlBytesInHeaderValues: NUL, ESC and DEL in a header value from
// PHP never reach the client; the value is dropped and logged with the
// worker's PID. HTAB is allowed.
func TestControlBytesInHeaderValues(t *testing.T) {
	pool := startPool(t, "special", 1, nil, nil)
	pid := pool.Stats().Workers[0].PID
	for _, noFast := range []bool{false, true} {
		f := startFront(t, testConfig(), pool, Options{NoFastPath: noFast})
		addr := strings.TrimPrefix(f.url, "http://")
		raw, _ := rawExchange(t, addr, "GET /ctl HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 5e9)
		head, _, _ := strings.Cut(raw, "\r\n\r\n")
		if strings.ContainsAny(head, "\x00\x1b\x7f") || strings.Contains(head, "X-Nul") || strings.Contains(head, "X-Esc") || strings.Contains(head, "X-Del") {
			t.Fatalf("no fast path %v: control bytes reached the client: %q", noFast, head)
		}
		if !strings.Contains(head, "X-Ok: tab\tok") {
			t.Fatalf("no fast path %v: X-Ok missing: %q", noFast, head)
		}
		logs := f.logs.String()
		for _, h := range []string{"X-Nul", "X-Esc", "X-Del"} {
			if !strings.Contains(logs, "header="+h) {
				t.Fatalf("no fast path %v: %s not logged:\n%s", noFast, h, logs)
			}
		}
		if !strings.Contains(logs, "pid="+itoa(pid)) {
			t.Fatalf("no fast path %v: the log does not name worker %d:\n%s", noFast, pid, logs)
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
