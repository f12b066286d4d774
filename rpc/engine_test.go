package rpc

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/phprun/phprun/engine"
)

// enginePools is Pools over real engine pools, as main wires it.
type enginePools map[string]*engine.Pool

func (p enginePools) Names() []string {
	names := make([]string, 0, len(p))
	for n := range p {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

func (p enginePools) Stats(name string) (engine.Stats, bool) {
	pool, ok := p[name]
	if !ok {
		return engine.Stats{}, false
	}
	return pool.Stats(), true
}

func (p enginePools) Reset(ctx context.Context, name string) error {
	return p[name].Reload(ctx, "test")
}

// startPHPPool runs n workers of php-skeleton's echo loop.
func startPHPPool(t *testing.T, n int) *engine.Pool {
	t.Helper()
	php, err := exec.LookPath("php")
	if err != nil {
		t.Skip("php not installed")
	}
	skeleton, err := filepath.Abs("../php-skeleton/autoload.php")
	if err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(t.TempDir(), "worker.php")
	must(t, os.WriteFile(script, []byte(`<?php
require `+strconv.Quote(skeleton)+`;
$w = \Phprun\Worker::create();
while (($p = $w->waitPayload()) !== null) {
    $w->respond(new \Phprun\Payload($p->body, $p->header));
}
`), 0o644))
	cfg := engine.DefaultConfig()
	cfg.Server.Command = []string{php, script}
	cfg.Pool.NumWorkers = n
	cfg.Pool.AllocateTimeout = 10 * time.Second
	cfg.Pool.DestroyTimeout = 5 * time.Second
	cfg.Pool.ResetTimeout = 5 * time.Second
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	pool, err := engine.New(ctx, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := pool.Close(ctx); err != nil {
			t.Errorf("pool close: %v", err)
		}
	})
	return pool
}

// TestRealPool serves a real engine pool of PHP workers and reads it with
// the client the `workers` and `reset` commands use.
func TestRealPool(t *testing.T) {
	pool := startPHPPool(t, 2)
	for i := 0; i < 5; i++ {
		resp, err := pool.Exec(context.Background(), engine.Payload{Context: []byte("{}"), Body: []byte(fmt.Sprint(i))})
		if err != nil {
			t.Fatal(err)
		}
		resp.Release()
	}
	_, addr := startServer(t, enginePools{"http": pool}, Options{})
	c, err := Dial("tcp://" + addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()

	before, err := c.Workers(ctx, "http")
	if err != nil {
		t.Fatal(err)
	}
	var execs uint64
	for _, w := range before {
		execs += w.NumExecs
		age := time.Since(time.Unix(0, w.Created))
		if w.StatusStr != "ready" || w.Status != int64(engine.StateReady) || w.MemoryUsage < 1<<20 ||
			w.CPUPercent < 0 || age < 0 || age > time.Minute {
			t.Errorf("worker %+v (age %v)", w, age)
		}
	}
	if len(before) != 2 || execs != 5 {
		t.Fatalf("workers %+v: %d execs, want 2 workers and 5", before, execs)
	}
	// The informer shows the engine's sample, not a reading of its own:
	// while no new sample was taken, its figures are Stats' to the byte.
	for range 5 {
		st := pool.Stats()
		ws, err := c.Workers(ctx, "http")
		if err != nil {
			t.Fatal(err)
		}
		if again := pool.Stats(); !again.Workers[0].SampledAt.Equal(st.Workers[0].SampledAt) ||
			!again.Workers[1].SampledAt.Equal(st.Workers[1].SampledAt) {
			continue // a sample was taken meanwhile: try again
		}
		for i, w := range ws {
			if w.MemoryUsage != st.Workers[i].RSS || w.CPUPercent != st.Workers[i].CPUPercent {
				t.Fatalf("informer %d: %d B, %v%% CPU; the engine's sample: %d B, %v%%", w.Pid, w.MemoryUsage, w.CPUPercent,
					st.Workers[i].RSS, st.Workers[i].CPUPercent)
			}
		}
		break
	}

	start := time.Now()
	if err := c.Reset(ctx, "http"); err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	after, err := c.Workers(ctx, "http")
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != 2 {
		t.Fatalf("after reset: %+v", after)
	}
	for _, w := range after {
		for _, o := range before {
			if w.Pid == o.Pid {
				t.Fatalf("worker %d survived the reset", w.Pid)
			}
		}
	}
	t.Logf("reset of 2 PHP workers took %v", took)

}
