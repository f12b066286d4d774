package httpfront

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/phprun/phprun/engine"
)

// TestE2EResponseMapping checks how worker answers become HTTP responses,
// with testdata/special.php sending contexts a normal app would not.
func TestE2EResponseMapping(t *testing.T) {
	pool := startPool(t, "special", 2, nil, nil)
	f := startFront(t, testConfig(), pool, Options{})

	for _, tc := range []struct {
		path   string
		status int
		body   string
		log    string // a log line must name the cause
	}{
		{"/", 200, "hello", ""},
		{"/noheaders", 201, "old style", ""}, // flags 0, headers []
		{"/status?code=404", 404, "status body", ""},
		{"/status?code=599", 599, "status body", ""},
		{"/status?code=999", 502, "Bad Gateway\n", "unknown status code 999"},
		{"/status?code=42", 502, "Bad Gateway\n", "unknown status code 42"},
		{"/broken", 502, "Bad Gateway\n", "broken response context"},
		{"/proto", 502, "Bad Gateway\n", "protobuf response context"},
		{"/onlyhint", 502, "Bad Gateway\n", "informational status 103 without a final response"},
		{"/error", 500, "", "boom from php"}, // internal_error_code has no body outside debug (RoadRunner)
		{"/exit", 502, "Bad Gateway\n", "worker"},
	} {
		t.Run(tc.path, func(t *testing.T) {
			resp, body := get(t, f.url+tc.path)
			if resp.StatusCode != tc.status || body != tc.body {
				t.Errorf("got %d %q, want %d %q", resp.StatusCode, body, tc.status, tc.body)
			}
			if tc.log != "" && !strings.Contains(f.logs.String(), tc.log) {
				t.Errorf("no log line with %q in:\n%s", tc.log, f.logs.String())
			}
		})
	}

	t.Run("multi-value headers and trailers", func(t *testing.T) {
		resp, body := get(t, f.url+"/headers")
		if resp.StatusCode != 202 || body != "with headers" {
			t.Fatalf("%d %q", resp.StatusCode, body)
		}
		if got := resp.Header.Values("Set-Cookie"); len(got) != 2 || got[0] != "a=1" || got[1] != "b=2" {
			t.Errorf("Set-Cookie %q", got)
		}
		if got := resp.Header.Values("X-Multi"); len(got) != 2 {
			t.Errorf("X-Multi %q", got)
		}
		if resp.Header.Get("X-Trail") != "" || resp.Header.Get("Trailer") != "" {
			t.Errorf("trailer sent as header: %v", resp.Header)
		}
		if resp.Trailer.Get("X-Trail") != "t-value" {
			t.Errorf("trailers %v", resp.Trailer)
		}
	})

	t.Run("pool still healthy", func(t *testing.T) {
		for range 4 {
			if resp, body := get(t, f.url+"/"); resp.StatusCode != 200 || body != "hello" {
				t.Fatalf("%d %q", resp.StatusCode, body)
			}
		}
	})
}

func TestE2EDebugShowsErrorText(t *testing.T) {
	pool := startPool(t, "special", 1, nil, nil)
	f := startFront(t, testConfig(), pool, Options{Debug: true})
	resp, body := get(t, f.url+"/error")
	if resp.StatusCode != 500 || !strings.Contains(body, "boom from php") {
		t.Errorf("%d %q", resp.StatusCode, body)
	}
}

func TestE2EInternalErrorCode(t *testing.T) {
	pool := startPool(t, "special", 1, nil, nil)
	cfg := testConfig()
	cfg.InternalErrorCode = 555
	f := startFront(t, cfg, pool, Options{})
	if resp, _ := get(t, f.url+"/error"); resp.StatusCode != 555 {
		t.Errorf("status %d", resp.StatusCode)
	}
}

// TestE2EPoolErrors covers 503 (no free worker in time) and 504 (exec_ttl).
func TestE2EPoolErrors(t *testing.T) {
	pool := startPool(t, "special", 1, nil, func(c *engine.Config) {
		c.Pool.AllocateTimeout = 200 * time.Millisecond
		// exec_ttl leaves the busy-pool request's 200 ms wait a wide
		// margin on a loaded machine before the worker is replaced.
		c.Pool.Supervisor.ExecTTL = 1500 * time.Millisecond
		c.Pool.Supervisor.WatchTick = 100 * time.Millisecond
	})
	f := startFront(t, testConfig(), pool, Options{})

	done := make(chan int, 1)
	go func() {
		resp, err := http.Get(f.url + "/sleep?ms=4000")
		if err != nil {
			done <- -1
			return
		}
		resp.Body.Close()
		done <- resp.StatusCode
	}()
	waitFor(t, func() bool { return pool.Stats().Count(engine.StateWorking) == 1 }) // it holds the only worker
	resp, _ := get(t, f.url+"/")
	if resp.StatusCode != 503 || resp.Header.Get("Retry-After") == "" {
		t.Errorf("busy pool: %d Retry-After=%q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	select {
	case st := <-done:
		if st != 504 {
			t.Errorf("exec_ttl: status %d, want 504", st)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("exec_ttl request did not end")
	}
	if !strings.Contains(f.logs.String(), "exec_ttl") || !strings.Contains(f.logs.String(), "no free workers") {
		t.Errorf("causes not logged:\n%s", f.logs.String())
	}
}

// TestE2EStreaming checks that chunks are flushed as PHP yields them and
// that a client going away stops the generator (STOP), leaving the worker
// in service.
func TestE2EStreaming(t *testing.T) {
	bus := engine.NewBus()
	sub := bus.Subscribe(256)
	pool := startPool(t, "stream", 1, bus, nil)
	f := startFront(t, testConfig(), pool, Options{})

	t.Run("chunks arrive one by one", func(t *testing.T) {
		resp, err := http.Get(f.url + "/s?chunks=3&ms=400")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		r := bufio.NewReader(resp.Body)
		start := time.Now()
		line, err := r.ReadString('\n')
		if err != nil || line != "chunk 1\n" {
			t.Fatalf("first chunk %q %v", line, err)
		}
		if el := time.Since(start); el > 300*time.Millisecond {
			t.Errorf("first chunk took %v: not flushed", el)
		}
		rest, _ := io.ReadAll(r)
		if string(rest) != "chunk 2\nchunk 3\ndone\n" {
			t.Errorf("rest %q", rest)
		}
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/plain" {
			t.Errorf("%d %v", resp.StatusCode, resp.Header)
		}
	})

	t.Run("disconnect stops the worker's stream", func(t *testing.T) {
		pidBefore := pool.Stats().Workers[0].PID
		conn, err := net.Dial("tcp", strings.TrimPrefix(f.url, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(conn, "GET /s?chunks=10000&ms=5 HTTP/1.1\r\nHost: x\r\n\r\n")
		br := bufio.NewReader(conn)
		for i := 0; i < 20; i++ { // status line, headers, a few chunks
			if _, err := br.ReadString('\n'); err != nil {
				t.Fatal(err)
			}
		}
		conn.Close()
		deadline := time.After(5 * time.Second)
		for stopped := false; !stopped; {
			select {
			case ev := <-sub.C:
				if ev.Kind == engine.EventWorkerOutput && strings.Contains(ev.Message, "stream.php: stopped after") {
					stopped = true
				}
			case <-deadline:
				t.Fatal("worker never saw STOP")
			}
		}
		resp, body := get(t, f.url+"/s?chunks=1")
		if resp.StatusCode != 200 || body != "chunk 1\ndone\n" {
			t.Errorf("after stop: %d %q", resp.StatusCode, body)
		}
		if pid := pool.Stats().Workers[0].PID; pid != pidBefore {
			t.Errorf("worker replaced (%d → %d); STOP should keep it", pidBefore, pid)
		}
	})
}

// TestE2EEarlyHints checks 103 reaches the client with its Link header and
// that the header does not leak into the final response.
func TestE2EEarlyHints(t *testing.T) {
	pool := startPool(t, "stream", 1, nil, nil)
	f := startFront(t, testConfig(), pool, Options{})
	var hints []http.Header
	var codes []int
	ctx := httptraceWith1xx(context.Background(), func(code int, h http.Header) {
		codes = append(codes, code)
		hints = append(hints, h.Clone())
	})
	req, _ := http.NewRequestWithContext(ctx, "GET", f.url+"/early-hints", nil)
	resp, body := do(t, nil, req)
	if len(codes) != 1 || codes[0] != 103 || hints[0].Get("Link") != "</style.css>; rel=preload; as=style" {
		t.Errorf("1xx: %v %v", codes, hints)
	}
	if resp.StatusCode != 200 || body != "early hints sent\n" {
		t.Errorf("final: %d %q", resp.StatusCode, body)
	}
	if resp.Header.Get("Link") != "" {
		t.Errorf("hint header leaked into the final response: %v", resp.Header)
	}
}
