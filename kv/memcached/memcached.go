// Package memcached is the kv driver backed by memcached through
// github.com/bradfitz/gomemcache, with RoadRunner's config key (addr).
//
// memcached's own limits shape it, as they shape RoadRunner's driver:
// expiries are whole seconds (phprun rounds up, so a key never goes before
// the time asked, and at most a second after); TTL cannot be read (there is
// no command for it: the call fails, as in RoadRunner); values are limited
// by the server's item size (1 MB by default: a larger value fails the
// call with memcached's answer); keys are at most 250 bytes without spaces
// or control characters; and Clear flushes the servers, every key of every
// storage and program that shares them (RoadRunner flushes them too).
package memcached

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync/atomic"
	"time"

	"github.com/bradfitz/gomemcache/memcache"

	"github.com/phprun/phprun/kv"
)

// ErrNoTTL is TTL's answer: memcached cannot tell a key's expiry.
var ErrNoTTL = errors.New("memcached cannot report a key's TTL (it has no command for it); keep the expiry next to the value if the app needs it")

// Driver opens memcached storages.
type Driver struct{}

var _ kv.Driver = Driver{}

// Check validates a memcached storage's config map.
func (Driver) Check(raw map[string]any) error {
	_, err := parse(raw)
	return err
}

// Open resolves the addresses; it does not connect, so a memcached that
// is down at start-up does not stop phprun: calls fail until it is back.
func (Driver) Open(_ context.Context, _ string, raw map[string]any) (kv.Storage, error) {
	c, err := parse(raw)
	if err != nil {
		return nil, err
	}
	var sl memcache.ServerList
	if err := sl.SetServers(c.Addr...); err != nil {
		return nil, &kv.FieldError{Key: "addr", Err: err}
	}
	mc := memcache.NewFromSelector(&sl)
	mc.Timeout = c.Timeout
	return &Storage{c: mc, addrs: strings.Join(c.Addr, ",")}, nil
}

// Storage is one memcached storage. The client is safe for concurrent
// use; closed is set once by Close.
type Storage struct {
	c      *memcache.Client
	addrs  string // for error messages
	closed atomic.Bool
}

func (s *Storage) wrap(err error) error {
	return fmt.Errorf("memcached %s: %w", s.addrs, err)
}

// Has returns the keys that exist, in one round trip per server.
func (s *Storage) Has(_ context.Context, keys []string) ([]string, error) {
	found, err := s.getMulti(keys)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, k := range keys {
		if _, ok := found[k]; ok {
			out = append(out, k)
		}
	}
	return out, nil
}

// MGet returns the items found, in the order asked.
func (s *Storage) MGet(_ context.Context, keys []string) ([]kv.Item, error) {
	found, err := s.getMulti(keys)
	if err != nil {
		return nil, err
	}
	var out []kv.Item
	for _, k := range keys {
		if it, ok := found[k]; ok {
			v := it.Value
			if v == nil {
				v = []byte{}
			}
			out = append(out, kv.Item{Key: k, Value: v})
		}
	}
	return out, nil
}

func (s *Storage) getMulti(keys []string) (map[string]*memcache.Item, error) {
	if s.closed.Load() {
		return nil, kv.ErrClosed
	}
	for _, k := range keys {
		if err := checkKey(k); err != nil {
			return nil, err
		}
	}
	found, err := s.c.GetMulti(keys)
	if err != nil {
		return nil, s.wrap(err)
	}
	return found, nil
}

// Set stores the items one by one (memcached has no multi-set). An item
// whose expiry is past deletes the key instead.
func (s *Storage) Set(_ context.Context, items []kv.Item) error {
	return s.each(items, func(it kv.Item) error {
		err := s.c.Set(&memcache.Item{Key: it.Key, Value: it.Value, Expiration: expiration(it.Expires)})
		if err != nil {
			return s.wrap(fmt.Errorf("set %q (%d bytes): %w", it.Key, len(it.Value), err))
		}
		return nil
	})
}

// MExpire sets each existing key's expiry with touch; a zero Expires
// removes it, a past one deletes the key, missing keys are skipped.
func (s *Storage) MExpire(_ context.Context, items []kv.Item) error {
	return s.each(items, func(it kv.Item) error {
		err := s.c.Touch(it.Key, expiration(it.Expires))
		if err != nil && !errors.Is(err, memcache.ErrCacheMiss) {
			return s.wrap(fmt.Errorf("touch %q: %w", it.Key, err))
		}
		return nil
	})
}

// each checks every key, deletes the keys of items whose expiry is past
// and calls fn with the others, one by one, stopping at the first error.
func (s *Storage) each(items []kv.Item, fn func(kv.Item) error) error {
	if s.closed.Load() {
		return kv.ErrClosed
	}
	now := time.Now()
	for _, it := range items {
		if err := checkKey(it.Key); err != nil {
			return err
		}
		var err error
		if !it.Expires.IsZero() && !it.Expires.After(now) {
			err = s.delete(it.Key)
		} else {
			err = fn(it)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// TTL fails: see ErrNoTTL.
func (s *Storage) TTL(context.Context, []string) ([]kv.Item, error) {
	if s.closed.Load() {
		return nil, kv.ErrClosed
	}
	return nil, s.wrap(ErrNoTTL)
}

// Delete removes the keys; missing keys are not an error.
func (s *Storage) Delete(_ context.Context, keys []string) error {
	if s.closed.Load() {
		return kv.ErrClosed
	}
	for _, k := range keys {
		if err := checkKey(k); err != nil {
			return err
		}
		if err := s.delete(k); err != nil {
			return err
		}
	}
	return nil
}

func (s *Storage) delete(key string) error {
	if err := s.c.Delete(key); err != nil && !errors.Is(err, memcache.ErrCacheMiss) {
		return s.wrap(fmt.Errorf("delete %q: %w", key, err))
	}
	return nil
}

// Clear flushes every server of the storage (flush_all): memcached has no
// namespaces, so this removes the keys of everything that shares them.
// RoadRunner flushes only the server the empty key hashes to; phprun
// flushes them all, so that Clear empties the storage however many
// servers it has.
func (s *Storage) Clear(context.Context) error {
	if s.closed.Load() {
		return kv.ErrClosed
	}
	if err := s.c.FlushAll(); err != nil {
		return s.wrap(fmt.Errorf("flush_all: %w", err))
	}
	return nil
}

// Close drops the idle connections; later calls fail with kv.ErrClosed.
func (s *Storage) Close() error {
	if s.closed.Swap(true) {
		return nil
	}
	if err := s.c.Close(); err != nil {
		return s.wrap(err)
	}
	return nil
}

// expiration is memcached's expiry for t: 0 for none, else the absolute
// Unix time rounded up to the second, so that the key never goes before t
// (memcached counts whole seconds). An absolute time is used at any
// distance, as memcached takes relative times only up to 30 days.
func expiration(t time.Time) int32 {
	if t.IsZero() {
		return 0
	}
	sec := t.Unix()
	if t.Nanosecond() > 0 {
		sec++
	}
	return int32(min(sec, math.MaxInt32))
}

// checkKey refuses what memcached cannot store as a key, with a message
// naming the key (gomemcache's own error does not).
func checkKey(k string) error {
	if len(k) > 250 {
		return fmt.Errorf("memcached: key %.40q… is %d bytes; memcached keys are at most 250", k, len(k))
	}
	for i := 0; i < len(k); i++ {
		if k[i] <= ' ' || k[i] == 0x7f {
			return fmt.Errorf("memcached: key %q has a space or control character, which memcached keys cannot hold", k)
		}
	}
	if k == "" {
		return errors.New("memcached: empty key")
	}
	return nil
}
