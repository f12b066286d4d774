package redis

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/phprun/phprun/kv"
	"github.com/phprun/phprun/kv/kvtest"
)

// srv is the redis-server of this package's tests, started once.
var srv *kvtest.Redis

func TestMain(m *testing.M) {
	var err error
	srv, err = kvtest.StartRedis("")
	if err != nil && !errors.Is(err, kvtest.ErrNoRedis) {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	if srv != nil {
		srv.Stop()
	}
	os.Exit(code)
}

func open(t *testing.T, cfg map[string]any) kv.Storage {
	t.Helper()
	if srv == nil {
		t.Skip("redis-server not installed")
	}
	if cfg == nil {
		cfg = map[string]any{"addrs": []any{srv.Addr}}
	}
	s, err := Driver{}.Open(context.Background(), "test", cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestConformance(t *testing.T) {
	kvtest.Run(t, func(t *testing.T) kv.Storage {
		s := open(t, nil)
		if err := s.Clear(context.Background()); err != nil {
			t.Fatal(err)
		}
		return s
	})
}

// TestRedisDown: calls fail fast with an error naming the address while
// Redis is down, and work again once it is back on the same port.
func TestRedisDown(t *testing.T) {
	if srv == nil {
		t.Skip("redis-server not installed")
	}
	down, err := kvtest.StartRedis("")
	if err != nil {
		t.Fatal(err)
	}
	addr := down.Addr
	s := open(t, map[string]any{"addrs": []any{addr}, "dial_timeout": "500ms", "max_retries": 1})
	defer s.Close()
	ctx := context.Background()
	if err := s.Set(ctx, []kv.Item{{Key: "k", Value: []byte("v")}}); err != nil {
		t.Fatal(err)
	}
	down.Stop()
	start := time.Now()
	_, err = s.MGet(ctx, []string{"k"})
	if err == nil || !strings.Contains(err.Error(), "redis "+addr) {
		t.Fatalf("MGet with Redis down: %v", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("MGet with Redis down took %v, want a fast failure", d)
	}
	back, err := kvtest.StartRedis(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer back.Stop()
	deadline := time.Now().Add(5 * time.Second)
	for {
		err := s.Set(ctx, []kv.Item{{Key: "k", Value: []byte("again")}})
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("storage did not recover after Redis came back: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if got, err := s.MGet(ctx, []string{"k"}); err != nil || len(got) != 1 || string(got[0].Value) != "again" {
		t.Fatalf("after recovery: %v %v", got, err)
	}
}

func TestConfig(t *testing.T) {
	for _, tt := range []struct {
		raw  map[string]any
		want string
	}{
		{map[string]any{"addrs": []any{"127.0.0.1:6379"}, "dial_timeout": "1s", "pool_size": "4", "idle_check_freq": "1m"}, ""},
		{map[string]any{"addr": "x"}, "addr: unknown key"},
		{map[string]any{"dial_timeout": "soon"}, "dial_timeout"},
		{map[string]any{"db": -1}, "db: want 0 or more"},
		{map[string]any{"tls": map[string]any{"cert": "c.pem"}}, "tls: cert and key go together"},
	} {
		err := Driver{}.Check(tt.raw)
		if (tt.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("Check(%v) = %v, want %q", tt.raw, err, tt.want)
		}
	}
}
