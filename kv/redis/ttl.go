package redis

import (
	"context"
	"strings"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/phprun/phprun/kv"
)

// TTL returns the existing keys with their expiry.
//
// The expiry is read back as the instant it was stored with (PEXPIRETIME,
// Redis 7+), so a TTL set in whole seconds comes back in whole seconds. The
// official spiral/roadrunner-kv client parses the reply with PHP's
// createFromFormat(DATE_RFC3339), which fails on a fraction of a second:
// an instant recomputed from PTTL (now + remaining ms) always has one, and
// getTtl() then died with a TypeError. Redis 6.2, which lacks PEXPIRETIME,
// gets ttlCounted.
func (s *Storage) TTL(ctx context.Context, keys []string) ([]kv.Item, error) {
	if !s.noPExpireTime.Load() {
		out, err := s.ttlExact(ctx, keys)
		if err == nil || !isUnknownCommand(err) {
			return out, err
		}
		s.noPExpireTime.Store(true)
	}
	return s.ttlCounted(ctx, keys)
}

// ttlExact reads each key's absolute expiry with PEXPIRETIME.
func (s *Storage) ttlExact(ctx context.Context, keys []string) ([]kv.Item, error) {
	cmds := make([]*goredis.DurationCmd, len(keys))
	_, err := s.c.Pipelined(ctx, func(p goredis.Pipeliner) error {
		for i, k := range keys {
			cmds[i] = p.PExpireTime(ctx, k)
		}
		return nil
	})
	if err != nil {
		return nil, s.wrap(err)
	}
	return collect(keys, cmds, func(d time.Duration) time.Time {
		return time.UnixMilli(d.Milliseconds())
	}), nil
}

// ttlCounted reads each key's remaining time with PTTL and counts it from
// the middle of the round trip. An instant within the round trip's
// uncertainty of a whole second is taken to be that second: the official
// client can only set whole seconds, and must get them back.
func (s *Storage) ttlCounted(ctx context.Context, keys []string) ([]kv.Item, error) {
	cmds := make([]*goredis.DurationCmd, len(keys))
	before := time.Now()
	_, err := s.c.Pipelined(ctx, func(p goredis.Pipeliner) error {
		for i, k := range keys {
			cmds[i] = p.PTTL(ctx, k)
		}
		return nil
	})
	if err != nil {
		return nil, s.wrap(err)
	}
	rtt := time.Since(before)
	now := before.Add(rtt / 2)
	return collect(keys, cmds, func(d time.Duration) time.Time {
		return snapToSecond(now.Add(d), rtt/2+time.Millisecond)
	}), nil
}

// collect turns the pipeline's answers into items: -2 (no key) is left
// out, -1 (no expiry) is an item without an expiry; go-redis passes both
// through unscaled.
func collect(keys []string, cmds []*goredis.DurationCmd, at func(time.Duration) time.Time) []kv.Item {
	var out []kv.Item
	for i, c := range cmds {
		d := c.Val()
		switch {
		case d == -2:
			continue
		case d < 0:
			out = append(out, kv.Item{Key: keys[i]})
		default:
			out = append(out, kv.Item{Key: keys[i], Expires: at(d)})
		}
	}
	return out
}

// snapToSecond rounds t to the nearest whole second when it is within tol
// of it, and otherwise leaves it alone.
func snapToSecond(t time.Time, tol time.Duration) time.Time {
	r := t.Round(time.Second)
	if d := t.Sub(r); d <= tol && d >= -tol {
		return r
	}
	return t
}

// isUnknownCommand reports Redis's answer to a command it does not have.
func isUnknownCommand(err error) bool {
	return strings.Contains(strings.ToLower(err.Error()), "unknown command")
}
