// Package memory is the kv driver that keeps a storage in phprun's memory:
// the embedded default, lost on restart. Expiries keep their full
// precision (RoadRunner rounds to seconds and stores a key arriving within
// a second of its expiry without any TTL); an expired key is invisible at
// once and its memory is reclaimed by a sweeper.
package memory

import (
	"container/heap"
	"context"
	"errors"
	"sync"
	"time"

	"github.com/phprun/phprun/kv"
)

// Config is the `config` map of a memory storage. RoadRunner's memory
// driver has no keys; interval is phprun's.
type Config struct {
	// Interval is how often expired keys are swept from memory (they are
	// invisible as soon as they expire either way). Default 1s.
	Interval time.Duration `koanf:"interval"`
}

// Driver opens memory storages.
type Driver struct{}

var _ kv.Driver = Driver{}

func parse(raw map[string]any) (Config, error) {
	c := Config{Interval: time.Second}
	if err := kv.Decode(raw, &c); err != nil {
		return c, err
	}
	if c.Interval <= 0 {
		return c, &kv.FieldError{Key: "interval", Err: errors.New("want a positive duration such as 1s")}
	}
	return c, nil
}

// Check validates a memory storage's config map.
func (Driver) Check(raw map[string]any) error {
	_, err := parse(raw)
	return err
}

// Open starts an empty storage and its sweeper.
func (Driver) Open(_ context.Context, _ string, raw map[string]any) (kv.Storage, error) {
	c, err := parse(raw)
	if err != nil {
		return nil, err
	}
	return New(c.Interval), nil
}

// entry is one stored value; expires is Unix nanoseconds, 0 for never.
type entry struct {
	value   []byte
	expires int64
}

func (e entry) live(now int64) bool { return e.expires == 0 || e.expires > now }

// Storage is one memory storage.
type Storage struct {
	mu      sync.RWMutex
	data    map[string]entry // guarded by mu
	expiry  expiryHeap       // guarded by mu; may hold stale entries for keys re-set since
	closed  bool             // guarded by mu
	sweeper *kv.Sweeper
	now     func() int64
}

// New returns an empty storage whose sweeper runs every interval until Close.
func New(interval time.Duration) *Storage {
	s := &Storage{data: map[string]entry{}, now: func() int64 { return time.Now().UnixNano() }}
	// the sweep holds the lock only for the keys due, found in expiry
	// order, never for a scan of the whole map
	s.sweeper = kv.StartSweeper(interval, s.sweepOnce)
	return s
}

// Has returns the keys that exist and have not expired.
func (s *Storage) Has(_ context.Context, keys []string) ([]string, error) {
	now := s.now()
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return nil, kv.ErrClosed
	}
	var out []string
	for _, k := range keys {
		if e, ok := s.data[k]; ok && e.live(now) {
			out = append(out, k)
		}
	}
	return out, nil
}

// Set stores the items. An item already expired removes the key.
func (s *Storage) Set(_ context.Context, items []kv.Item) error {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return kv.ErrClosed
	}
	for _, it := range items {
		s.putLocked(it.Key, entry{value: it.Value}, it.Expires, now)
	}
	return nil
}

// putLocked stores e under key with the expiry exp (zero: none); an expiry
// already past deletes the key instead. s.mu must be held for writing.
func (s *Storage) putLocked(key string, e entry, exp time.Time, now int64) {
	e.expires = 0
	if !exp.IsZero() {
		e.expires = exp.UnixNano()
		if e.expires <= now {
			delete(s.data, key)
			return
		}
		heap.Push(&s.expiry, expiryEntry{key: key, at: e.expires})
	}
	s.data[key] = e
}

// MGet returns the live items among keys.
func (s *Storage) MGet(_ context.Context, keys []string) ([]kv.Item, error) {
	now := s.now()
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return nil, kv.ErrClosed
	}
	var out []kv.Item
	for _, k := range keys {
		if e, ok := s.data[k]; ok && e.live(now) {
			out = append(out, kv.Item{Key: k, Value: e.value})
		}
	}
	return out, nil
}

// MExpire gives each live key a new expiry (zero: none).
func (s *Storage) MExpire(_ context.Context, items []kv.Item) error {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return kv.ErrClosed
	}
	for _, it := range items {
		e, ok := s.data[it.Key]
		if !ok || !e.live(now) {
			continue
		}
		s.putLocked(it.Key, e, it.Expires, now)
	}
	return nil
}

// TTL returns the live items among keys with their expiry.
func (s *Storage) TTL(_ context.Context, keys []string) ([]kv.Item, error) {
	now := s.now()
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return nil, kv.ErrClosed
	}
	var out []kv.Item
	for _, k := range keys {
		if e, ok := s.data[k]; ok && e.live(now) {
			it := kv.Item{Key: k}
			if e.expires != 0 {
				it.Expires = time.Unix(0, e.expires)
			}
			out = append(out, it)
		}
	}
	return out, nil
}

// Delete removes the keys.
func (s *Storage) Delete(_ context.Context, keys []string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return kv.ErrClosed
	}
	for _, k := range keys {
		delete(s.data, k)
	}
	return nil
}

// Clear removes every key.
func (s *Storage) Clear(context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return kv.ErrClosed
	}
	clear(s.data)
	s.expiry = nil
	return nil
}

// Len returns the number of keys held, expired ones not yet swept included.
func (s *Storage) Len() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.data)
}

// Close stops the sweeper and drops the data.
func (s *Storage) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.data, s.expiry = nil, nil
	s.mu.Unlock()
	s.sweeper.Stop()
	return nil
}

// sweepOnce removes the keys whose expiry has passed.
func (s *Storage) sweepOnce() {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	for len(s.expiry) > 0 && s.expiry[0].at <= now {
		x := heap.Pop(&s.expiry).(expiryEntry)
		// the key may have been re-set or given another expiry since
		if e, ok := s.data[x.key]; ok && e.expires == x.at {
			delete(s.data, x.key)
		}
	}
}

// expiryEntry is one scheduled expiry.
type expiryEntry struct {
	key string
	at  int64
}

// expiryHeap is a min-heap of expiries (container/heap).
type expiryHeap []expiryEntry

func (h expiryHeap) Len() int           { return len(h) }
func (h expiryHeap) Less(i, j int) bool { return h[i].at < h[j].at }
func (h expiryHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *expiryHeap) Push(x any)        { *h = append(*h, x.(expiryEntry)) }
func (h *expiryHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
