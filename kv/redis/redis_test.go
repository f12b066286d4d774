package redis

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

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
		t.Skip("server not installed")
	}
	kvtest.Outage(t, func(addr string) (string, func(), error) {
		r, err := kvtest.StartRedis(addr)
		if err != nil {
			return "", nil, err
		}
		return r.Addr, r.Stop, nil
	}, func(t *testing.T, addr string) kv.Storage {
		return open(t, map[string]any{"addrs": []any{addr}, "dial_timeout": "500ms", "max_retries": 1})
	}, func(addr string) string { return "redis " + addr })
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
