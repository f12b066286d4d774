package httpfront

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/phprun/phprun/engine"
)

// phpScript returns the absolute path of a worker script: "echo", "stream",
// "slow", "hello" from php-skeleton/examples, "special" from testdata.
func phpScript(t testing.TB, name string) string {
	t.Helper()
	rel := filepath.Join("..", "php-skeleton", "examples", name+".php")
	if name == "special" {
		rel = filepath.Join("testdata", "special.php")
	}
	p, err := filepath.Abs(rel)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func needPHP(t testing.TB) string {
	t.Helper()
	php, err := exec.LookPath("php")
	if err != nil {
		t.Skip("php not installed")
	}
	return php
}

// startPool runs real PHP workers; the pool is closed when the test ends.
func startPool(t testing.TB, script string, n int, bus *engine.Bus, mut func(*engine.Config)) *engine.Pool {
	t.Helper()
	cfg := engine.DefaultConfig()
	cfg.Server.Command = []string{needPHP(t), "-n", phpScript(t, script)}
	cfg.Pool.NumWorkers = n
	cfg.Pool.AllocateTimeout = 5 * time.Second
	cfg.Pool.DestroyTimeout = 5 * time.Second
	cfg.Pool.StreamTimeout = 5 * time.Second
	if mut != nil {
		mut(&cfg)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	p, err := engine.New(ctx, cfg, bus)
	if err != nil {
		t.Fatalf("engine.New: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := p.Close(ctx); err != nil {
			t.Errorf("pool close: %v", err)
		}
	})
	return p
}

// logBuffer collects log lines for assertions.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// front is a running Server on a loopback port.
type front struct {
	srv  *Server
	url  string
	logs *logBuffer
	done chan error
}

// testConfig is DefaultConfig on a free loopback port.
func testConfig() Config {
	c := DefaultConfig()
	c.Address = "127.0.0.1:0"
	return c
}

func startFront(t testing.TB, cfg Config, exec Executor, opts Options) *front {
	t.Helper()
	logs := &logBuffer{}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	s, err := New(cfg, exec, opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if err := s.Listen(); err != nil {
		t.Fatal(err)
	}
	f := &front{srv: s, logs: logs, done: make(chan error, 1)}
	if a := s.Addr(); a != "" {
		f.url = "http://" + a
	}
	go func() { f.done <- s.ListenAndServe(context.Background()) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := s.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		select {
		case err := <-f.done:
			if err != nil {
				t.Errorf("ListenAndServe: %v", err)
			}
		case <-time.After(5 * time.Second):
			t.Error("ListenAndServe did not return after Shutdown")
		}
	})
	return f
}

// do sends req with a fresh client and returns status, headers and body.
func do(t testing.TB, client *http.Client, req *http.Request) (*http.Response, string) {
	t.Helper()
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableCompression: true}}
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	return resp, string(b)
}

func get(t testing.TB, url string, hdr ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	return do(t, nil, req)
}

// echoed is what php-skeleton/examples/echo.php answers.
type echoed struct {
	Method     string              `json:"method"`
	URI        string              `json:"uri"`
	Path       string              `json:"path"`
	RawQuery   string              `json:"rawQuery"`
	Query      map[string]any      `json:"query"`
	Headers    map[string][]string `json:"headers"`
	Cookies    map[string]string   `json:"cookies"`
	ParsedBody json.RawMessage     `json:"parsedBody"`
	Body       string              `json:"body"`
	Uploads    map[string]any      `json:"uploads"`
	RemoteAddr string              `json:"remoteAddr"`
	Protocol   string              `json:"protocol"`
	PID        int                 `json:"pid"`
}

func decodeEcho(t testing.TB, body string) echoed {
	t.Helper()
	var e echoed
	if err := json.Unmarshal([]byte(body), &e); err != nil {
		t.Fatalf("echo body %q: %v", body, err)
	}
	return e
}

// headerKeys lists the keys of h, for error messages.
func headerKeys(h map[string][]string) string {
	var ks []string
	for k := range h {
		ks = append(ks, k)
	}
	return strings.Join(ks, ",")
}
