package kvtest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/phprun/phprun/kv"
)

// Outage is the "backend down" behaviour every networked driver must have:
// while the server is down, calls fail fast with an error containing
// named (e.g. "redis 127.0.0.1:6379"), and they work again once the server
// is back on the same address. start starts a server (on a free port for
// addr "") and returns its address and its stop; open opens a storage on
// addr configured to fail within a second or so.
func Outage(t *testing.T, start func(addr string) (string, func(), error), open func(t *testing.T, addr string) kv.Storage, named func(addr string) string) {
	t.Helper()
	addr, stop, err := start("")
	if err != nil {
		t.Fatal(err)
	}
	s := open(t, addr)
	defer s.Close()
	ctx := context.Background()
	if err := s.Set(ctx, []kv.Item{{Key: "k", Value: []byte("v")}}); err != nil {
		t.Fatal(err)
	}
	stop()
	begin := time.Now()
	_, err = s.MGet(ctx, []string{"k"})
	if err == nil || !strings.Contains(err.Error(), named(addr)) {
		t.Fatalf("MGet with the server down: %v, want an error naming %q", err, named(addr))
	}
	if d := time.Since(begin); d > 3*time.Second {
		t.Fatalf("MGet with the server down took %v, want a fast failure", d)
	}
	if _, stop, err = start(addr); err != nil {
		t.Fatal(err)
	}
	defer stop()
	deadline := time.Now().Add(5 * time.Second)
	for {
		err := s.Set(ctx, []kv.Item{{Key: "k", Value: []byte("again")}})
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("storage did not recover after the server came back: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if got, err := s.MGet(ctx, []string{"k"}); err != nil || len(got) != 1 || string(got[0].Value) != "again" {
		t.Fatalf("after recovery: %v %v", got, err)
	}
}
