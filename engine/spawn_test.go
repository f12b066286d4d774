package engine

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// slowBootConfig is a pool of n fake workers that each take bootMS to
// answer the handshake; with fastFirst, the pool's first worker answers at
// once.
func slowBootConfig(t *testing.T, n, bootMS int, fastFirst bool) Config {
	cfg := helperConfig(t, "slow-boot", n)
	cfg.Server.Env["SLOW_BOOT_MS"] = strconv.Itoa(bootMS)
	if fastFirst {
		cfg.Server.Env["FAST_FIRST"] = filepath.Join(t.TempDir(), "first")
	}
	return cfg
}

// TestSpawnsAreConcurrentAndBounded: the workers of a pool boot side by
// side, but never more than spawnLimit at once. Each "worker spawned"
// event comes after the process started and each "worker ready" before
// its slot is given to the next spawn, so spawned minus ready never
// exceeds the spawns really in flight.
func TestSpawnsAreConcurrentAndBounded(t *testing.T) {
	limit := spawnLimit()
	n := limit + 3
	bus := NewBus()
	sub := bus.Subscribe(4 * n)
	defer bus.Unsubscribe(sub)
	p := newPool(t, slowBootConfig(t, n, 150, false), bus)
	if got := p.Stats().Count(StateReady); got != n {
		t.Fatalf("after New: %d ready workers, want %d", got, n)
	}
	inFlight, most, spawned, ready := 0, 0, 0, 0
	for spawned < n || ready < n {
		select {
		case e := <-sub.C:
			switch e.Kind {
			case EventWorkerSpawned:
				spawned++
				inFlight++
				most = max(most, inFlight)
			case EventWorkerReady:
				ready++
				inFlight--
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("saw %d spawned and %d ready events of %d workers", spawned, ready, n)
		}
	}
	if most > limit {
		t.Errorf("%d workers booted at once, limit %d", most, limit)
	}
	if most < 2 {
		t.Errorf("workers booted one after another (at most %d at once); want them side by side", most)
	}
}

// TestServeFirst: with ServeFirst, New returns, and jobs run, once the
// first worker is ready; the slow ones join the pool when they are up.
// Without it, New returns only when every worker is ready.
func TestServeFirst(t *testing.T) {
	const n, bootMS = 3, 3000 // slow enough that a loaded machine still tells the two apart
	cfg := slowBootConfig(t, n, bootMS, true)
	cfg.ServeFirst = true
	start := time.Now()
	p := newPool(t, cfg, nil)
	if took := time.Since(start); took >= bootMS*time.Millisecond {
		t.Fatalf("New with ServeFirst took %v: it waited for the slow workers (%d ms)", took, bootMS)
	}
	if got := p.Stats().Count(StateReady); got < 1 || got == n {
		t.Fatalf("right after New with ServeFirst: %d ready workers, want at least 1 and not yet all %d", got, n)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	resp, err := p.Exec(ctx, Payload{Context: []byte("hello")})
	if err != nil {
		t.Fatalf("Exec right after New: %v", err)
	}
	resp.Release()
	deadline := time.Now().Add(10 * time.Second)
	for p.Stats().Count(StateReady) < n {
		if time.Now().After(deadline) {
			t.Fatalf("the slow workers never joined: %d of %d ready", p.Stats().Count(StateReady), n)
		}
		time.Sleep(20 * time.Millisecond)
	}

	cfg = slowBootConfig(t, n, 300, true)
	start = time.Now()
	p = newPool(t, cfg, nil)
	if took := time.Since(start); took < 300*time.Millisecond {
		t.Errorf("New without ServeFirst returned after %v, before the slow workers (300 ms) were up", took)
	}
	if got := p.Stats().Count(StateReady); got != n {
		t.Errorf("after New without ServeFirst: %d ready workers, want %d", got, n)
	}
}

// TestServeFirstReloadStillWaitsForAll: a reload of a ServeFirst pool
// switches over only when the whole new generation is up, as without it.
func TestServeFirstReloadStillWaitsForAll(t *testing.T) {
	const n = 3
	cfg := slowBootConfig(t, n, 200, false)
	cfg.ServeFirst = true
	p := newPool(t, cfg, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	deadline := time.Now().Add(10 * time.Second)
	for p.Stats().Count(StateReady) < n && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if err := p.Reload(ctx, "test"); err != nil {
		t.Fatal(err)
	}
	st := p.Stats()
	newGen := 0
	for _, w := range st.Workers {
		if w.Generation == st.Generation && w.State == StateReady {
			newGen++
		}
	}
	if newGen != n {
		t.Errorf("after Reload: %d ready workers of generation %d, want %d", newGen, st.Generation, n)
	}
}
