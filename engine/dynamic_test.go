package engine

import (
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
	cfg.Pool.DynamicAllocator = &DynamicAllocatorConfig{MaxWorkers: 2, SpawnRate: 1, IdleTimeout: time.Second}
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

// RoadRunner clamps dynamic_allocator values instead of rejecting them.
func TestDynamicAllocatorLimits(t *testing.T) {
	for _, tc := range []struct {
		in        DynamicAllocatorConfig
		max, rate int
		idle      time.Duration
	}{
		{DynamicAllocatorConfig{}, 10, 5, time.Minute},
		{DynamicAllocatorConfig{MaxWorkers: 5000, SpawnRate: 500, IdleTimeout: 10 * time.Millisecond}, 1000, 100, time.Minute},
		{DynamicAllocatorConfig{MaxWorkers: 3, SpawnRate: 2, IdleTimeout: 2 * time.Second}, 3, 2, 2 * time.Second},
	} {
		m, r, i := tc.in.limits()
		if m != tc.max || r != tc.rate || i != tc.idle {
			t.Errorf("%+v: got %d %d %v", tc.in, m, r, i)
		}
	}
	cfg := helperConfig(t, "", 1)
	cfg.Pool.DynamicAllocator = &DynamicAllocatorConfig{MaxWorkers: 5000, IdleTimeout: -time.Second}
	if err := cfg.Validate(); err != nil {
		t.Errorf("RoadRunner accepts these values: %v", err)
	}
}
