package engine

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

func TestMain(m *testing.M) {
	if os.Getenv("GO_WANT_HELPER_PROCESS") == "1" {
		os.Exit(helperMain(os.Getenv("HELPER_MODE")))
	}
	os.Exit(m.Run())
}

// phpBin returns the php binary or skips the test.
func phpBin(t testing.TB) string {
	t.Helper()
	p, err := exec.LookPath("php")
	if err != nil {
		t.Skip("php not installed")
	}
	return p
}

// testConfig is a small, fast pool config running cmd.
func testConfig(cmd []string, n int) Config {
	cfg := DefaultConfig()
	cfg.Server.Command = cmd
	cfg.Pool.NumWorkers = n
	cfg.Pool.AllocateTimeout = 5 * time.Second
	cfg.Pool.DestroyTimeout = 5 * time.Second
	cfg.Pool.ResetTimeout = 5 * time.Second
	cfg.Pool.StreamTimeout = 2 * time.Second
	cfg.Pool.Supervisor.WatchTick = 50 * time.Millisecond
	return cfg
}

// phpConfig runs testdata/echo.php.
func phpConfig(t testing.TB, n int) Config {
	script, err := filepath.Abs("testdata/echo.php")
	if err != nil {
		t.Fatal(err)
	}
	return testConfig([]string{phpBin(t), "-n", script}, n)
}

// helperConfig runs the test binary as a fake worker in the given mode.
func helperConfig(t testing.TB, mode string, n int) Config {
	cfg := testConfig([]string{os.Args[0], "-test.run=^$"}, n)
	// A race-enabled helper would otherwise sleep 1s at exit.
	cfg.Server.Env = map[string]string{"GO_WANT_HELPER_PROCESS": "1", "HELPER_MODE": mode, "GORACE": "atexit_sleep_ms=0"}
	return cfg
}

// newPool starts a pool and closes it (checking that no process is left)
// when the test ends.
func newPool(t testing.TB, cfg Config, bus *Bus) *Pool {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	p, err := New(ctx, cfg, bus)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { closePool(t, p) })
	return p
}

// closePool closes p and fails if any worker process survived.
func closePool(t testing.TB, p *Pool) {
	t.Helper()
	var pids []int
	for _, w := range *p.workers.Load() {
		pids = append(pids, w.pid)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := p.Close(ctx); err != nil {
		t.Errorf("Close: %v", err)
	}
	for _, pid := range pids {
		if alive(pid) {
			t.Errorf("worker %d still running after Close", pid)
		}
	}
}

// alive reports whether pid exists and is not a zombie.
func alive(pid int) bool {
	if syscall.Kill(pid, 0) != nil {
		return false
	}
	b, err := os.ReadFile(filepath.Join("/proc", itoa(pid), "stat"))
	if err != nil {
		return false
	}
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] == ')' {
			return i+2 < len(b) && b[i+2] != 'Z'
		}
	}
	return true
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}

// waitFor polls cond every 10ms until it holds or d passes.
func waitFor(t testing.TB, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", d, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// execString runs one job and returns the response's context and body.
func execString(t testing.TB, p *Pool, ctx, body string) (string, string, error) {
	t.Helper()
	r, err := p.Exec(context.Background(), Payload{Context: []byte(ctx), Body: []byte(body)})
	if err != nil {
		return "", "", err
	}
	defer r.Release()
	return string(r.Context), string(r.Body), nil
}
