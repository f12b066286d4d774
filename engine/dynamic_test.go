package engine

import (
	"strings"
	"sync"
	"testing"
	"time"
)

// Follows RoadRunner's dynamic allocator (roadrunner-server/pool
// dynamic_allocator tests): jobs that find no free worker make the pool
// grow by spawn_rate up to max_workers extra; idle extras are retired
// after idle_timeout, back to num_workers.
func TestDynamicAllocator(t *testing.T) {
	cfg := helperConfig(t, "", 1)
	cfg.Pool.DynamicAllocator = &DynamicAllocatorConfig{MaxWorkers: 2, SpawnRate: 1, IdleTimeout: 300 * time.Millisecond}
	p := newPool(t, cfg, nil)

	var wg sync.WaitGroup
	for range 5 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, _, err := execString(t, p, "sleep:1500", "x"); err != nil {
				t.Error(err)
			}
		}()
	}
	most := 0
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		most = max(most, len(p.Stats().Workers))
		if most == 3 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	wg.Wait()
	if most != 3 {
		t.Fatalf("pool grew to %d workers, want 1 + max_workers 2", most)
	}
	waitFor(t, 5*time.Second, "idle extra workers retired", func() bool {
		return p.Stats().Count(StateReady) == 1 && len(p.Stats().Workers) == 1
	})
	if _, _, err := execString(t, p, "", "still serving"); err != nil {
		t.Fatal(err)
	}
}

func TestDynamicAllocatorValidate(t *testing.T) {
	cfg := helperConfig(t, "", 1)
	cfg.Pool.DynamicAllocator = &DynamicAllocatorConfig{MaxWorkers: 501, IdleTimeout: -time.Second}
	err := cfg.Validate()
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"pool.dynamic_allocator.max_workers", "pool.dynamic_allocator.idle_timeout"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("missing %s in %v", want, err)
		}
	}
}
