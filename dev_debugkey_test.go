package main

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/phprun/phprun/engine"
)

// The dashboard's D key under `phprun dev`, through the Source the
// dashboard calls, with real PHP: on, each request is answered by a fresh
// PID carrying Xdebug's variables; off, the workers are reused again; one
// log line each way.
func TestDebugKeySwitchesThePool(t *testing.T) {
	php, err := exec.LookPath("php")
	if err != nil {
		t.Skip("php is not installed")
	}
	script, _ := filepath.Abs("engine/testdata/echo.php")
	cfg := engine.DefaultConfig()
	cfg.Server.Command = []string{php, "-n", script}
	cfg.Pool.NumWorkers = 2
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	pool, err := engine.New(ctx, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		cctx, ccancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer ccancel()
		_ = pool.Close(cctx)
	}()
	var logs bytes.Buffer
	s := &server{dev: true, pool: pool, log: slog.New(slog.NewTextHandler(&logs, nil))}
	src := &tuiSource{s: s}
	call := func(c, body string) string {
		t.Helper()
		r, err := pool.Exec(context.Background(), engine.Payload{Context: []byte(c), Body: []byte(body)})
		if err != nil {
			t.Fatal(err)
		}
		defer r.Release()
		return string(r.Body)
	}

	if !src.DebugSwitchable() {
		t.Fatal("the D key is off under phprun dev")
	}
	if (&tuiSource{s: &server{pool: pool}}).DebugSwitchable() {
		t.Error("the D key is on under phprun serve")
	}
	if err := src.SetDebug(true); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for i := 0; i < 3; i++ {
		pid := call("cmd:pid", "")
		if seen[pid] {
			t.Errorf("debug mode on: PID %s answered twice, want a fresh worker per request", pid)
		}
		seen[pid] = true
	}
	if os.Getenv("XDEBUG_MODE") == "" {
		if got := call("cmd:env", "XDEBUG_MODE"); got != "debug" {
			t.Errorf("XDEBUG_MODE of a debug worker = %q, want debug", got)
		}
	}
	if os.Getenv("XDEBUG_SESSION") == "" {
		if got := call("cmd:env", "XDEBUG_SESSION"); got != "phprun" {
			t.Errorf("XDEBUG_SESSION of a debug worker = %q, want phprun", got)
		}
	}
	if !strings.Contains(logs.String(), "debug mode on: a fresh worker per request, one at a time, exec_ttl off") {
		t.Errorf("no log line for debug mode on:\n%s", logs.String())
	}

	if err := src.SetDebug(false); err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	for i := 0; i < 6; i++ {
		counts[call("cmd:pid", "")]++
	}
	if len(counts) > 2 {
		t.Errorf("debug mode off: %d PIDs for 6 requests, want the 2 workers reused: %v", len(counts), counts)
	}
	if !strings.Contains(logs.String(), "debug mode off: 2 workers start") {
		t.Errorf("no log line for debug mode off:\n%s", logs.String())
	}
}
