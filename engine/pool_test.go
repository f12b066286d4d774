package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestExecEchoPHP(t *testing.T) {
	p := newPool(t, phpConfig(t, 2), nil)
	for i := 0; i < 20; i++ {
		ctx, body := fmt.Sprintf(`{"n":%d}`, i), strings.Repeat("b", i*1000)
		gotCtx, gotBody, err := execString(t, p, ctx, body)
		if err != nil {
			t.Fatalf("exec %d: %v", i, err)
		}
		if gotCtx != ctx || gotBody != body {
			t.Fatalf("exec %d: got (%q, %d bytes), want (%q, %d bytes)", i, gotCtx, len(gotBody), ctx, len(body))
		}
	}
	st := p.Stats()
	if len(st.Workers) != 2 || st.Execs != 20 || st.Count(StateReady) != 2 {
		t.Fatalf("stats: %+v", st)
	}
	var sum uint64
	for _, w := range st.Workers {
		sum += w.NumExecs
		if w.PID <= 0 || w.RSS == 0 || w.Created.IsZero() {
			t.Errorf("worker info incomplete: %+v", w)
		}
	}
	if sum != 20 {
		t.Errorf("per-worker execs sum to %d, want 20", sum)
	}
}

func TestExecLargePayloadPHP(t *testing.T) {
	p := newPool(t, phpConfig(t, 1), nil)
	body := strings.Repeat("0123456789", 300_000) // 3 MB: split write and reader growth
	_, got, err := execString(t, p, "{}", body)
	if err != nil {
		t.Fatal(err)
	}
	if got != body {
		t.Fatalf("body mismatch: %d bytes back", len(got))
	}
}

func TestExecConcurrentPHP(t *testing.T) {
	p := newPool(t, phpConfig(t, 3), nil)
	var wg sync.WaitGroup
	errs := make(chan error, 200)
	for g := 0; g < 10; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 20; i++ {
				want := fmt.Sprintf("g%d-%d", g, i)
				_, got, err := execString(t, p, "c", want)
				if err == nil && got != want {
					err = fmt.Errorf("got %q want %q", got, want)
				}
				if err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestEnvironment(t *testing.T) {
	// The helper echoes, so check env via a PHP one-liner worker instead.
	php := phpBin(t)
	dir := t.TempDir()
	script := dir + "/env.php"
	src := strings.Replace(mustRead(t, "testdata/echo.php"), "case 'cmd:pid':", "case 'cmd:env':\n            $body = json_encode([getenv('RR_RELAY'), getenv('RR_MODE'), getenv('RR_VERSION'), getenv('RR_RPC'), getenv('APP_X'), getcwd()], JSON_UNESCAPED_SLASHES);\n            break;\n        case 'cmd:pid':", 1)
	writeFile(t, script, src)
	cfg := testConfig([]string{php, "-n", "env.php"}, 1)
	cfg.Dir = dir
	cfg.Version = "2023.3.0"
	cfg.RPCAddr = "tcp://127.0.0.1:6001"
	t.Setenv("PHPRUN_TEST_HOME", "/home/x")
	cfg.Server.Env = map[string]string{"app_x": "${PHPRUN_TEST_HOME}/y"}
	p := newPool(t, cfg, nil)
	_, got, err := execString(t, p, "cmd:env", "")
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf(`["pipes","http","2023.3.0","tcp://127.0.0.1:6001","/home/x/y",%q]`, dir)
	if got != want {
		t.Fatalf("env: got %s, want %s", got, want)
	}
}

func TestCloseLeavesNoProcess(t *testing.T) {
	bus := NewBus()
	events := collect(t, bus)
	p, err := New(context.Background(), phpConfig(t, 3), bus)
	if err != nil {
		t.Fatal(err)
	}
	var pids []int
	for _, w := range p.Stats().Workers {
		pids = append(pids, w.PID)
	}
	if len(pids) != 3 {
		t.Fatalf("want 3 workers, got %v", pids)
	}
	start := time.Now()
	if err := p.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Close took %v; idle PHP workers should exit on the stop frame", d)
	}
	for _, pid := range pids {
		if alive(pid) {
			t.Errorf("pid %d survived Close", pid)
		}
		waitFor(t, time.Second, "stopped event", func() bool {
			return hasEvent(events(), EventWorkerStopped, func(e Event) bool { return e.PID == pid })
		})
	}
	if st := p.Stats(); len(st.Workers) != 0 {
		t.Errorf("Stats after Close lists %d workers", len(st.Workers))
	}
	if _, err := p.Exec(context.Background(), Payload{Body: []byte("x")}); !errors.Is(err, ErrPoolClosed) {
		t.Fatalf("Exec after Close: %v, want ErrPoolClosed", err)
	}
	if err := p.Close(context.Background()); err != nil {
		t.Fatalf("second Close: %v", err)
	}
}

func TestFailuresWithRealPHP(t *testing.T) {
	cfg := phpConfig(t, 2)
	cfg.Pool.Supervisor.ExecTTL = 300 * time.Millisecond
	p := newPool(t, cfg, nil)

	_, _, err := execString(t, p, "cmd:error", "")
	var se *SoftError
	if !errors.As(err, &se) || se.Message != "boom" {
		t.Fatalf("soft error: %v", err)
	}
	_, _, err = execString(t, p, "cmd:exit", "")
	var we *WorkerError
	if !errors.As(err, &we) || !errors.Is(err, ErrWorkerCrashed) || !strings.Contains(we.Output, "dying on purpose") {
		t.Fatalf("crash: %v", err)
	}
	if _, _, err = execString(t, p, "cmd:sleep", "2000"); !errors.Is(err, ErrExecTTL) {
		t.Fatalf("exec_ttl: %v", err)
	}
	waitFor(t, 3*time.Second, "replacements", func() bool { return p.Stats().Count(StateReady) == 2 })
	if _, got, err := execString(t, p, "cmd:sleep", "10"); err != nil || got != "10" {
		t.Fatalf("after failures: %q, %v", got, err)
	}
	if st := p.Stats(); st.Restarts != 2 || st.Errors != 3 {
		t.Errorf("restarts %d (want 2), errors %d (want 3)", st.Restarts, st.Errors)
	}
}
