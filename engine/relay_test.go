package engine

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/phprun/phprun/engine/fdio"
)

// freePort returns a loopback TCP port that was free a moment ago.
func freePort(t testing.TB) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func TestSocketRelays(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name  string
		relay string
		cfg   func(testing.TB, int) Config
	}{
		{"tcp php", fmt.Sprintf("tcp://127.0.0.1:%d", freePort(t)), phpConfig},
		{"unix php relative", "unix://php.sock", phpConfig},
		{"tcp helper", fmt.Sprintf("tcp://127.0.0.1:%d", freePort(t)), func(t testing.TB, n int) Config { return helperConfig(t, "", n) }},
		{"unix helper absolute", "unix://" + filepath.Join(dir, "h.sock"), func(t testing.TB, n int) Config { return helperConfig(t, "", n) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := tc.cfg(t, 3)
			cfg.Server.Relay = tc.relay
			cfg.Dir = dir
			p := newPool(t, cfg, nil)
			st := p.Stats()
			if len(st.Workers) != 3 {
				t.Fatalf("%d workers", len(st.Workers))
			}
			// Each worker answers on its own connection: check by PID.
			seen := map[int]bool{}
			for i := 0; i < 30; i++ {
				body := strings.Repeat("x", i*3000)
				r, err := p.Exec(context.Background(), Payload{Context: []byte("c"), Body: []byte(body)})
				if err != nil {
					t.Fatal(err)
				}
				if string(r.Body) != body {
					t.Fatalf("echo mismatch over %s", tc.relay)
				}
				seen[r.PID()] = true
				r.Release()
			}
			for pid := range seen {
				if !pids(st)[pid] {
					t.Errorf("answer from unknown pid %d", pid)
				}
			}
			if err := p.Reload(context.Background(), "test"); err != nil {
				t.Fatalf("reload over %s: %v", tc.relay, err)
			}
			if _, _, err := execString(t, p, "c", "after reload"); err != nil {
				t.Fatal(err)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "php.sock")); !os.IsNotExist(err) {
		t.Errorf("unix socket file left behind: %v", err)
	}
}

func TestSocketRelayCrashAndStaleSocket(t *testing.T) {
	dir := t.TempDir()
	sock := filepath.Join(dir, "w.sock")
	// A socket file left by a dead phprun must not block start-up.
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	ln.(*net.UnixListener).SetUnlinkOnClose(false)
	ln.Close()
	cfg := helperConfig(t, "", 2)
	cfg.Server.Relay = "unix://" + sock
	p := newPool(t, cfg, nil)
	if _, _, err := execString(t, p, "crash", ""); err == nil {
		t.Fatal("crash not reported")
	}
	waitFor(t, 3*time.Second, "replacement", func() bool { return p.Stats().Count(StateReady) == 2 })
	if _, _, err := execString(t, p, "c", "b"); err != nil {
		t.Fatal(err)
	}
}

func TestSocketRelayShellWrapperNeverMatches(t *testing.T) {
	script, _ := filepath.Abs("testdata/echo.php")
	cfg := testConfig([]string{"/bin/sh", "-c", phpBin(t) + " -n " + script + "; true"}, 1)
	cfg.Server.Relay = fmt.Sprintf("tcp://127.0.0.1:%d", freePort(t))
	cfg.Pool.AllocateTimeout = 300 * time.Millisecond
	_, err := New(context.Background(), cfg, nil)
	if err == nil || !strings.Contains(err.Error(), "shell without exec") {
		t.Fatalf("got %v, want a hint about the shell wrapper", err)
	}
}

func TestSocketRelayForeignConnection(t *testing.T) {
	// A client that connects but answers garbage is dropped without
	// disturbing the accept loop.
	cfg := helperConfig(t, "", 1)
	cfg.Server.Relay = fmt.Sprintf("tcp://127.0.0.1:%d", freePort(t))
	p := newPool(t, cfg, nil)
	c, err := net.Dial("tcp", strings.TrimPrefix(cfg.Server.Relay, "tcp://"))
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 64)
	if _, err := c.Read(buf); err != nil { // the PID request
		t.Fatal(err)
	}
	c.Write([]byte("garbage garbage garbage\n"))
	c.Close()
	if err := p.Reload(context.Background(), "test"); err != nil {
		t.Fatalf("reload after a foreign connection: %v", err)
	}
	if _, _, err := execString(t, p, "c", "b"); err != nil {
		t.Fatal(err)
	}
}

// TestRelaysMakeRawCalls: on Linux both relay kinds read and write frames
// with raw calls (package fdio); the figures in docs/benchmarks.md depend
// on it, and a relay built around it by mistake would still pass every
// other test.
func TestRelaysMakeRawCalls(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("raw calls are made on Linux only")
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	pr := newPipeRelay(r, w)
	if _, ok := pr.rd.(*fdio.Stream); !ok {
		t.Errorf("pipe relay reads through %T", pr.rd)
	}
	if pr.afterRead() == nil {
		t.Error("pipe relay cannot send a job inside the read of its reply")
	}
	if _, ok := pr.wr.(*fdio.Stream); !ok {
		t.Errorf("pipe relay writes through %T", pr.wr)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	cr := newConnRelay(c)
	if _, ok := cr.io.(*fdio.Stream); !ok {
		t.Errorf("socket relay goes through %T", cr.io)
	}
	if cr.afterRead() == nil {
		t.Error("socket relay cannot send a job inside the read of its reply")
	}
}

// TestJobsGoOutInsideTheRead: on Linux an exchange sends its job from
// inside the read of the reply (relay.go's afterRead), which saves a
// system call per job; a worker that fell back to sending first would
// still pass every other test.
func TestJobsGoOutInsideTheRead(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("raw calls are made on Linux only")
	}
	p := newPool(t, helperConfig(t, "", 1), nil)
	for i := range 3 {
		if _, body, err := execString(t, p, "c", fmt.Sprint(i)); err != nil || body != fmt.Sprint(i) {
			t.Fatalf("job %d: %q, %v", i, body, err)
		}
	}
	w, _, err := p.acquire(context.Background(), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	defer p.recycle(w)
	if w.after == nil || !w.jobSent {
		t.Fatalf("the last job was not sent inside the read (after %v, sent %v)", w.after, w.jobSent)
	}
}
