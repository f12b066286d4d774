package engine

import (
	"errors"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"
)

// The run-time debug mode (the dashboard's key) with real PHP: on, each
// request is answered by a fresh PID with the debug environment and no
// exec_ttl; off, a new generation serves and PIDs are reused. A request in
// flight across each switch is answered.
func TestSetDebugWithPHP(t *testing.T) {
	cfg := phpConfig(t, 2)
	cfg.Pool.Supervisor.ExecTTL = 300 * time.Millisecond
	p := newPool(t, cfg, nil)
	pid := func() string {
		t.Helper()
		_, body, err := execString(t, p, "cmd:pid", "")
		if err != nil {
			t.Fatal(err)
		}
		return body
	}
	before := map[string]bool{pid(): true, pid(): true}

	var inflight sync.WaitGroup
	slow := func() {
		inflight.Add(1)
		go func() {
			defer inflight.Done()
			if _, _, err := execString(t, p, "cmd:sleep", "200"); err != nil {
				t.Errorf("a request in flight across the switch: %v", err)
			}
		}()
		time.Sleep(50 * time.Millisecond) // let it reach a worker
	}

	slow()
	if err := p.SetDebug(true, map[string]string{"XDEBUG_MODE": "debug"}); err != nil {
		t.Fatal(err)
	}
	if !p.Debugging() {
		t.Fatal("Debugging() is false after SetDebug(true)")
	}
	seen := map[string]bool{}
	for i := 0; i < 3; i++ {
		got := pid()
		if seen[got] || before[got] {
			t.Errorf("debug mode: PID %s served before, want a fresh worker per request", got)
		}
		seen[got] = true
	}
	if _, v, err := execString(t, p, "cmd:env", "XDEBUG_MODE"); err != nil || v != "debug" {
		t.Errorf("debug worker's XDEBUG_MODE = %q, %v; want debug", v, err)
	}
	// longer than exec_ttl: debug mode turned it off
	if _, _, err := execString(t, p, "cmd:sleep", "600"); err != nil {
		t.Errorf("a paused request was killed in debug mode: %v", err)
	}
	inflight.Wait()
	waitFor(t, 5*time.Second, "the workers from before debug mode gone", func() bool {
		for _, w := range p.Stats().Workers {
			if before[strconv.Itoa(w.PID)] {
				return false
			}
		}
		return true
	})

	slow()
	if err := p.SetDebug(false, nil); err != nil {
		t.Fatal(err)
	}
	if p.Debugging() {
		t.Fatal("Debugging() is true after SetDebug(false)")
	}
	counts := map[string]int{}
	for i := 0; i < 6; i++ {
		counts[pid()]++
	}
	if len(counts) > 2 {
		t.Errorf("after debug mode: %d PIDs for 6 requests, want the 2 workers reused: %v", len(counts), counts)
	}
	for got := range counts {
		if seen[got] {
			t.Errorf("after debug mode: PID %s was a debug worker", got)
		}
	}
	if os.Getenv("XDEBUG_MODE") == "" {
		if _, v, err := execString(t, p, "cmd:env", "XDEBUG_MODE"); err != nil || v != "" {
			t.Errorf("after debug mode XDEBUG_MODE = %q, %v; want unset", v, err)
		}
	}
	// exec_ttl is back
	if _, _, err := execString(t, p, "cmd:sleep", "600"); !errors.Is(err, ErrExecTTL) {
		t.Errorf("a 600ms job after debug mode: %v, want exec_ttl (300ms)", err)
	}
	inflight.Wait()
}

// A pool configured with pool.debug keeps it.
func TestSetDebugOnPoolDebug(t *testing.T) {
	cfg := helperConfig(t, "", 1)
	cfg.Pool.Debug = true
	p := newPool(t, cfg, nil)
	if err := p.SetDebug(false, nil); !errors.Is(err, ErrDebugFixed) {
		t.Fatalf("got %v, want ErrDebugFixed", err)
	}
}
