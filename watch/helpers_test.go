package watch

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// waitLimit bounds every wait for something that should happen; it is only
// reached when the watcher is broken.
const waitLimit = 5 * time.Second

// testConfig is DefaultConfig with a short debounce so tests stay fast.
func testConfig() Config {
	c := DefaultConfig()
	c.Debounce = 40 * time.Millisecond
	c.PollInterval = 20 * time.Millisecond
	return c
}

// run starts w.Run and stops it (bounded) when the test ends.
func run(t *testing.T, w *Watcher) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		case <-time.After(waitLimit):
			t.Errorf("Run did not return after cancel")
		}
	})
}

// start creates a watcher on root and runs it for the test.
func start(t *testing.T, root string, cfg Config) *Watcher {
	t.Helper()
	w, err := New(root, cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	run(t, w)
	return w
}

func nextBatch(t *testing.T, w *Watcher) Batch {
	t.Helper()
	select {
	case b, ok := <-w.Batches():
		if !ok {
			t.Fatal("Batches closed")
		}
		return b
	case <-time.After(waitLimit):
		t.Fatalf("no batch within %s", waitLimit)
	}
	return Batch{}
}

// noBatch fails if a batch arrives within d.
func noBatch(t *testing.T, w *Watcher, d time.Duration) {
	t.Helper()
	select {
	case b := <-w.Batches():
		t.Fatalf("unexpected batch %v", b.Paths)
	case <-time.After(d):
	}
}

// collect gathers batches until every path in want has been seen.
func collect(t *testing.T, w *Watcher, want ...string) []string {
	t.Helper()
	seen := map[string]bool{}
	deadline := time.After(waitLimit)
	for {
		missing := false
		for _, p := range want {
			if !seen[p] {
				missing = true
			}
		}
		if !missing {
			break
		}
		select {
		case b := <-w.Batches():
			for _, p := range b.Paths {
				seen[p] = true
			}
		case <-deadline:
			t.Fatalf("saw %v, want all of %v", keys(seen), want)
		}
	}
	return keys(seen)
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// tree creates files (relative path → content) under a new temp dir.
func tree(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for p, c := range files {
		write(t, filepath.Join(root, p), c)
	}
	return root
}
