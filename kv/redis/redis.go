// Package redis is the kv driver backed by Redis through go-redis v9: a
// single node, a cluster or sentinels, as RoadRunner's redis driver. Every
// batch is one pipeline (one round trip), which also works across cluster
// slots where MGET would not.
package redis

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/phprun/phprun/kv"
)

// Driver opens redis storages.
type Driver struct{}

var _ kv.Driver = Driver{}

// Check validates a redis storage's config map.
func (Driver) Check(raw map[string]any) error {
	_, err := parse(raw)
	return err
}

// Open connects lazily: a Redis that is down at start-up does not stop
// phprun; calls fail with the dial error until it comes back.
func (Driver) Open(_ context.Context, _ string, raw map[string]any) (kv.Storage, error) {
	c, err := parse(raw)
	if err != nil {
		return nil, err
	}
	o, err := c.options()
	if err != nil {
		return nil, err
	}
	// go-redis logs dial failures on stderr by itself, which would tear the
	// dashboard; phprun reports them as the calls' errors instead.
	goredis.SetLogger(quiet{})
	return &Storage{c: goredis.NewUniversalClient(o), addrs: strings.Join(c.Addrs, ",")}, nil
}

// quiet drops go-redis's own log lines.
type quiet struct{}

func (quiet) Printf(context.Context, string, ...any) {}

// Storage is one redis storage.
type Storage struct {
	c             goredis.UniversalClient
	addrs         string      // for error messages
	noPExpireTime atomic.Bool // the server answered PEXPIRETIME with "unknown command" (Redis < 7)
}

func (s *Storage) wrap(err error) error {
	if errors.Is(err, goredis.ErrClosed) {
		return kv.ErrClosed
	}
	return fmt.Errorf("redis %s: %w", s.addrs, err)
}

// Has returns the keys that exist.
func (s *Storage) Has(ctx context.Context, keys []string) ([]string, error) {
	cmds := make([]*goredis.IntCmd, len(keys))
	_, err := s.c.Pipelined(ctx, func(p goredis.Pipeliner) error {
		for i, k := range keys {
			cmds[i] = p.Exists(ctx, k)
		}
		return nil
	})
	if err != nil {
		return nil, s.wrap(err)
	}
	var out []string
	for i, c := range cmds {
		if c.Val() > 0 {
			out = append(out, keys[i])
		}
	}
	return out, nil
}

// Set stores the items with an absolute expiry in milliseconds (SET ...
// PXAT, Redis 6.2+), so the time a call spends in flight does not shift
// it; an item already expired deletes the key.
func (s *Storage) Set(ctx context.Context, items []kv.Item) error {
	now := time.Now()
	_, err := s.c.Pipelined(ctx, func(p goredis.Pipeliner) error {
		for _, it := range items {
			switch {
			case it.Expires.IsZero():
				p.Set(ctx, it.Key, it.Value, 0)
			case !it.Expires.After(now):
				p.Del(ctx, it.Key)
			default:
				p.Do(ctx, "set", it.Key, it.Value, "pxat", it.Expires.UnixMilli())
			}
		}
		return nil
	})
	if err != nil {
		return s.wrap(err)
	}
	return nil
}

// MGet returns the items found.
func (s *Storage) MGet(ctx context.Context, keys []string) ([]kv.Item, error) {
	cmds := make([]*goredis.StringCmd, len(keys))
	_, err := s.c.Pipelined(ctx, func(p goredis.Pipeliner) error {
		for i, k := range keys {
			cmds[i] = p.Get(ctx, k)
		}
		return nil
	})
	if err != nil && !errors.Is(err, goredis.Nil) {
		return nil, s.wrap(err)
	}
	var out []kv.Item
	for i, c := range cmds {
		b, err := c.Bytes()
		if errors.Is(err, goredis.Nil) {
			continue
		}
		if err != nil {
			return nil, s.wrap(err)
		}
		out = append(out, kv.Item{Key: keys[i], Value: b})
	}
	return out, nil
}

// MExpire sets each existing key's expiry (PEXPIREAT), or removes it
// (PERSIST) for a zero Expires.
func (s *Storage) MExpire(ctx context.Context, items []kv.Item) error {
	now := time.Now()
	_, err := s.c.Pipelined(ctx, func(p goredis.Pipeliner) error {
		for _, it := range items {
			switch {
			case it.Expires.IsZero():
				p.Persist(ctx, it.Key)
			case !it.Expires.After(now):
				p.Del(ctx, it.Key)
			default:
				p.PExpireAt(ctx, it.Key, it.Expires)
			}
		}
		return nil
	})
	if err != nil {
		return s.wrap(err)
	}
	return nil
}

// Delete removes the keys (one DEL per key: keys may sit in different
// cluster slots).
func (s *Storage) Delete(ctx context.Context, keys []string) error {
	_, err := s.c.Pipelined(ctx, func(p goredis.Pipeliner) error {
		for _, k := range keys {
			p.Del(ctx, k)
		}
		return nil
	})
	if err != nil {
		return s.wrap(err)
	}
	return nil
}

// Clear empties the storage's database with FLUSHDB, as RoadRunner does:
// a redis storage owns its db (on a cluster, every master is flushed).
func (s *Storage) Clear(ctx context.Context) error {
	var err error
	if cc, ok := s.c.(*goredis.ClusterClient); ok {
		err = cc.ForEachMaster(ctx, func(ctx context.Context, c *goredis.Client) error {
			return c.FlushDB(ctx).Err()
		})
	} else {
		err = s.c.FlushDB(ctx).Err()
	}
	if err != nil {
		return s.wrap(err)
	}
	return nil
}

// Close closes the connections.
func (s *Storage) Close() error {
	if err := s.c.Close(); err != nil && !errors.Is(err, goredis.ErrClosed) {
		return s.wrap(err)
	}
	return nil
}
