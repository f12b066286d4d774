package memcached

import (
	"bytes"
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

// srv is the memcached of this package's tests, started once.
var srv *kvtest.Memcached

func TestMain(m *testing.M) {
	var err error
	srv, err = kvtest.StartMemcached("")
	if err != nil && !errors.Is(err, kvtest.ErrNoMemcached) {
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
		t.Skip("memcached not installed")
	}
	if cfg == nil {
		cfg = map[string]any{"addr": []any{srv.Addr}}
	}
	s, err := Driver{}.Open(context.Background(), "test", cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestConformance runs the kv suite against a real memcached; TTL cannot
// be read there, so expiries are checked by watching keys go.
func TestConformance(t *testing.T) {
	kvtest.RunWith(t, func(t *testing.T) kv.Storage {
		s := open(t, nil)
		if err := s.Clear(context.Background()); err != nil {
			t.Fatal(err)
		}
		return s
	}, kvtest.Limits{NoTTL: true})
}

// TestLimits: memcached's own limits come back as errors that say what is
// wrong, and nothing is stored.
func TestLimits(t *testing.T) {
	s := open(t, nil)
	defer s.Close()
	ctx := context.Background()
	if _, err := s.TTL(ctx, []string{"a"}); !errors.Is(err, ErrNoTTL) {
		t.Errorf("TTL: %v, want ErrNoTTL", err)
	}
	big := bytes.Repeat([]byte("x"), 2<<20) // over memcached's 1 MB item size
	err := s.Set(ctx, []kv.Item{{Key: "big", Value: big}})
	if err == nil || !strings.Contains(err.Error(), `set "big" (2097152 bytes)`) || !strings.Contains(err.Error(), "too large") {
		t.Errorf("Set of 2 MB: %v", err)
	}
	if has, _ := s.Has(ctx, []string{"big"}); len(has) != 0 {
		t.Error("the value over the limit was stored")
	}
	for key, want := range map[string]string{
		strings.Repeat("k", 251): "at most 250",
		"with space":             "space or control character",
	} {
		if err := s.Set(ctx, []kv.Item{{Key: key, Value: []byte("v")}}); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Set(%.20q…): %v, want %q", key, err, want)
		}
	}
}

// TestMemcachedDown: calls fail fast with an error naming the address while
// memcached is down, and work again once it is back on the same port.
func TestMemcachedDown(t *testing.T) {
	if srv == nil {
		t.Skip("server not installed")
	}
	kvtest.Outage(t, func(addr string) (string, func(), error) {
		r, err := kvtest.StartMemcached(addr)
		if err != nil {
			return "", nil, err
		}
		return r.Addr, r.Stop, nil
	}, func(t *testing.T, addr string) kv.Storage {
		return open(t, map[string]any{"addr": addr, "timeout": "300ms"}) // one address as a string, as YAML allows
	}, func(addr string) string { return "memcached " + addr })
}

func TestConfig(t *testing.T) {
	for _, tt := range []struct {
		raw  map[string]any
		want string
	}{
		{nil, ""},
		{map[string]any{"addr": []any{"127.0.0.1:11211", "127.0.0.1:11212"}, "timeout": "1s"}, ""},
		{map[string]any{"addr": "127.0.0.1:11211"}, ""},
		{map[string]any{"addrs": []any{"x:1"}}, "addrs: unknown key"},
		{map[string]any{"timeout": "soon"}, "timeout"},
		{map[string]any{"timeout": "-1s"}, "timeout: want 0"},
		{map[string]any{"addr": []any{""}}, "addr[0]: empty address"},
	} {
		err := Driver{}.Check(tt.raw)
		if (tt.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("Check(%v) = %v, want %q", tt.raw, err, tt.want)
		}
	}
}

func TestExpiration(t *testing.T) {
	at := time.Unix(1_900_000_000, 0)
	for _, tt := range []struct {
		in   time.Time
		want int32
	}{
		{time.Time{}, 0},
		{at, 1_900_000_000},
		{at.Add(time.Millisecond), 1_900_000_001}, // rounded up: never before the time asked
	} {
		if got := expiration(tt.in); got != tt.want {
			t.Errorf("expiration(%v) = %d, want %d", tt.in, got, tt.want)
		}
	}
}
