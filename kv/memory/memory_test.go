package memory

import (
	"strings"
	"testing"
	"time"

	"github.com/phprun/phprun/kv"
	"github.com/phprun/phprun/kv/kvtest"
)

func TestConformance(t *testing.T) {
	kvtest.Run(t, func(t *testing.T) kv.Storage { return New(50 * time.Millisecond) })
}

// TestSweeperFrees checks that expired keys leave memory, not only view.
func TestSweeperFrees(t *testing.T) {
	s := New(20 * time.Millisecond)
	defer s.Close()
	items := make([]kv.Item, 100)
	for i := range items {
		items[i] = kv.Item{Key: string(rune('a'+i%26)) + strings.Repeat("x", i), Value: []byte("v"), Expires: time.Now().Add(50 * time.Millisecond)}
	}
	_ = s.Set(t.Context(), append(items, kv.Item{Key: "keep", Value: []byte("v")}))
	deadline := time.Now().Add(5 * time.Second)
	for s.Len() != 1 {
		if time.Now().After(deadline) {
			t.Fatalf("%d keys held after expiry, want 1", s.Len())
		}
		time.Sleep(10 * time.Millisecond)
	}
	// a key re-set without TTL must survive its old expiry's sweep
	_ = s.Set(t.Context(), []kv.Item{{Key: "re", Value: []byte("1"), Expires: time.Now().Add(30 * time.Millisecond)}})
	_ = s.Set(t.Context(), []kv.Item{{Key: "re", Value: []byte("2")}})
	time.Sleep(100 * time.Millisecond)
	if got, _ := s.MGet(t.Context(), []string{"re"}); len(got) != 1 || string(got[0].Value) != "2" {
		t.Fatalf("re-set key = %+v", got)
	}
}

func TestConfig(t *testing.T) {
	if err := (Driver{}).Check(map[string]any{"interval": "250ms"}); err != nil {
		t.Fatal(err)
	}
	err := (Driver{}).Check(map[string]any{"intervall": "1s"})
	if err == nil || !strings.Contains(err.Error(), "intervall: unknown key") {
		t.Fatalf("unknown key: %v", err)
	}
	err = (Driver{}).Check(map[string]any{"interval": "soon"})
	if err == nil || !strings.Contains(err.Error(), "interval") {
		t.Fatalf("bad duration: %v", err)
	}
}
