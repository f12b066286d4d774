// Package kvtest is the behaviour every kv driver must have, run by each
// driver's tests against a real backend: order of results, binary values,
// expiry precision, MExpire, Delete and Clear.
package kvtest

import (
	"bytes"
	"context"
	"slices"
	"testing"
	"time"

	"github.com/phprun/phprun/kv"
)

// Run runs the suite. open returns an empty storage; the suite closes it.
func Run(t *testing.T, open func(t *testing.T) kv.Storage) {
	RunWith(t, open, Limits{})
}

// Limits names what a backend cannot do; the suite then checks the rest
// of the behaviour another way instead of skipping it.
type Limits struct {
	// NoTTL: TTL fails, as the backend cannot read a key's expiry
	// (memcached). Expiries are checked by watching keys go.
	NoTTL bool
}

// RunWith runs the suite on a backend with limits.
func RunWith(t *testing.T, open func(t *testing.T) kv.Storage, lim Limits) {
	ctx := context.Background()
	t.Run("SetGetHas", func(t *testing.T) {
		s := open(t)
		defer s.Close()
		bin := []byte{0, 1, 2, 0xff, '\n', 0}
		must(t, s.Set(ctx, []kv.Item{{Key: "a", Value: []byte("x")}, {Key: "b", Value: bin}, {Key: "empty", Value: []byte{}}}))
		got, err := s.MGet(ctx, []string{"b", "zz", "a", "empty"})
		must(t, err)
		if len(got) != 3 || got[0].Key != "b" || !bytes.Equal(got[0].Value, bin) || got[1].Key != "a" || string(got[1].Value) != "x" || got[2].Key != "empty" || len(got[2].Value) != 0 {
			t.Fatalf("MGet = %+v", got)
		}
		has, err := s.Has(ctx, []string{"zz", "a", "b"})
		must(t, err)
		if !slices.Equal(has, []string{"a", "b"}) {
			t.Fatalf("Has = %v", has)
		}
		must(t, s.Set(ctx, []kv.Item{{Key: "a", Value: []byte("y")}}))
		got, err = s.MGet(ctx, []string{"a"})
		must(t, err)
		if len(got) != 1 || string(got[0].Value) != "y" {
			t.Fatalf("MGet after overwrite = %+v", got)
		}
	})
	t.Run("TTL", func(t *testing.T) {
		s := open(t)
		defer s.Close()
		exp := time.Now().Add(time.Hour).Truncate(time.Millisecond)
		must(t, s.Set(ctx, []kv.Item{{Key: "t", Value: []byte("1"), Expires: exp}, {Key: "p", Value: []byte("2")}}))
		if lim.NoTTL {
			if got, err := s.TTL(ctx, []string{"t"}); err == nil {
				t.Fatalf("TTL = %+v, want an error (Limits.NoTTL)", got)
			}
			if has, _ := s.Has(ctx, []string{"t", "p"}); len(has) != 2 {
				t.Fatalf("Has = %v, want both keys", has)
			}
			return
		}
		got, err := s.TTL(ctx, []string{"t", "p", "missing"})
		must(t, err)
		if len(got) != 2 || got[0].Key != "t" || got[1].Key != "p" || !got[1].Expires.IsZero() {
			t.Fatalf("TTL = %+v", got)
		}
		if d := got[0].Expires.Sub(exp); d < -5*time.Millisecond || d > 5*time.Millisecond {
			t.Fatalf("TTL of t = %v, want %v (±5ms)", got[0].Expires, exp)
		}
	})
	t.Run("SubSecondExpiry", func(t *testing.T) {
		s := open(t)
		defer s.Close()
		must(t, s.Set(ctx, []kv.Item{{Key: "soon", Value: []byte("v"), Expires: time.Now().Add(300 * time.Millisecond)}}))
		if has, _ := s.Has(ctx, []string{"soon"}); len(has) != 1 {
			t.Fatalf("key gone before its expiry")
		}
		deadline := time.Now().Add(5 * time.Second)
		for {
			has, err := s.Has(ctx, []string{"soon"})
			must(t, err)
			if len(has) == 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("key with a 300ms TTL still there after 5s")
			}
			time.Sleep(20 * time.Millisecond)
		}
		got, err := s.MGet(ctx, []string{"soon"})
		must(t, err)
		if len(got) != 0 {
			t.Fatalf("MGet of an expired key = %+v", got)
		}
	})
	t.Run("PastExpiryRemoves", func(t *testing.T) {
		s := open(t)
		defer s.Close()
		must(t, s.Set(ctx, []kv.Item{{Key: "k", Value: []byte("old")}}))
		must(t, s.Set(ctx, []kv.Item{{Key: "k", Value: []byte("new"), Expires: time.Now().Add(-time.Second)}}))
		if has, _ := s.Has(ctx, []string{"k"}); len(has) != 0 {
			t.Fatalf("a key set with a past expiry is still there: %v", has)
		}
	})
	t.Run("MExpire", func(t *testing.T) {
		s := open(t)
		defer s.Close()
		must(t, s.Set(ctx, []kv.Item{{Key: "k", Value: []byte("v")}}))
		exp := time.Now().Add(time.Hour).Truncate(time.Millisecond)
		if lim.NoTTL { // no TTL to read back: a short expiry must make the key go
			exp = time.Now().Add(time.Second)
		}
		must(t, s.MExpire(ctx, []kv.Item{{Key: "k", Expires: exp}, {Key: "missing", Expires: exp}}))
		if lim.NoTTL {
			waitGone(t, s, "k", exp)
			must(t, s.Set(ctx, []kv.Item{{Key: "k", Value: []byte("v"), Expires: time.Now().Add(time.Second)}}))
			must(t, s.MExpire(ctx, []kv.Item{{Key: "k"}})) // zero: no expiry any more
			time.Sleep(2500 * time.Millisecond)
			if has, _ := s.Has(ctx, []string{"k"}); len(has) != 1 {
				t.Fatal("MExpire without a time did not remove the expiry")
			}
		} else {
			got, err := s.TTL(ctx, []string{"k", "missing"})
			must(t, err)
			if len(got) != 1 || got[0].Expires.Sub(exp).Abs() > 5*time.Millisecond {
				t.Fatalf("TTL after MExpire = %+v", got)
			}
		}
		if has, _ := s.Has(ctx, []string{"missing"}); len(has) != 0 {
			t.Fatal("MExpire created a missing key")
		}
		must(t, s.MExpire(ctx, []kv.Item{{Key: "k", Expires: time.Now().Add(-time.Second)}}))
		if has, _ := s.Has(ctx, []string{"k"}); len(has) != 0 {
			t.Fatal("MExpire with a past time left the key")
		}
	})
	t.Run("DeleteClear", func(t *testing.T) {
		s := open(t)
		defer s.Close()
		must(t, s.Set(ctx, []kv.Item{{Key: "a", Value: []byte("1")}, {Key: "b", Value: []byte("2")}, {Key: "c", Value: []byte("3")}}))
		must(t, s.Delete(ctx, []string{"a", "missing"}))
		has, err := s.Has(ctx, []string{"a", "b", "c"})
		must(t, err)
		if !slices.Equal(has, []string{"b", "c"}) {
			t.Fatalf("Has after Delete = %v", has)
		}
		must(t, s.Clear(ctx))
		has, err = s.Has(ctx, []string{"a", "b", "c"})
		must(t, err)
		if len(has) != 0 {
			t.Fatalf("Has after Clear = %v", has)
		}
		must(t, s.Set(ctx, []kv.Item{{Key: "a", Value: []byte("again")}}))
		if got, _ := s.MGet(ctx, []string{"a"}); len(got) != 1 {
			t.Fatal("storage unusable after Clear")
		}
	})
	t.Run("Closed", func(t *testing.T) {
		s := open(t)
		must(t, s.Close())
		if _, err := s.Has(ctx, []string{"a"}); err == nil {
			t.Fatal("Has after Close succeeded")
		}
	})
}

// waitGone checks that key exists now and is gone within 5 s after
// expires, and not before it.
func waitGone(t *testing.T, s kv.Storage, key string, expires time.Time) {
	t.Helper()
	ctx := context.Background()
	if has, _ := s.Has(ctx, []string{key}); len(has) != 1 {
		t.Fatalf("%s gone before its expiry", key)
	}
	for {
		has, err := s.Has(ctx, []string{key})
		must(t, err)
		if len(has) == 0 {
			if early := time.Until(expires); early > 0 {
				t.Fatalf("%s gone %v before its expiry", key, early)
			}
			return
		}
		if time.Since(expires) > 5*time.Second {
			t.Fatalf("%s still there 5s after its expiry", key)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
