// Package boltdb is the kv driver that keeps a storage in a bbolt file:
// embedded and persistent across restarts. Each value is stored with its
// expiry in front (8 bytes, Unix nanoseconds, 0 for none), so expiries
// keep sub-second precision and survive a restart; a sweeper deletes
// expired keys every interval, and reads never return them.
//
// The file format is phprun's own: RoadRunner's boltdb kv files (gob
// encoded) are not read.
package boltdb

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/phprun/phprun/kv"
)

// bucket is the one bucket a storage uses, named as in RoadRunner.
var bucket = []byte("default")

// Config is the `config` map of a boltdb storage, with RoadRunner's keys.
type Config struct {
	// File is the database file, relative to the config file's directory.
	// Default "rr.db". Two storages cannot share a file.
	File string `koanf:"file"`
	// Permissions is the file mode when the file is created. Default 0755
	// (as RoadRunner).
	Permissions int `koanf:"permissions"`
	// Interval is the sweep period in seconds. Default 60.
	Interval int `koanf:"interval"`
}

func parse(raw map[string]any) (Config, error) {
	c := Config{File: "rr.db", Permissions: 0o755, Interval: 60}
	if err := kv.Decode(raw, &c); err != nil {
		return c, err
	}
	var errs []error
	if c.File == "" {
		errs = append(errs, &kv.FieldError{Key: "file", Err: errors.New("want a file path, got \"\"")})
	}
	if c.Permissions <= 0 || c.Permissions > 0o777 {
		errs = append(errs, &kv.FieldError{Key: "permissions", Err: fmt.Errorf("want a file mode such as 0644 or 0755, got %#o", c.Permissions)})
	}
	if c.Interval <= 0 {
		errs = append(errs, &kv.FieldError{Key: "interval", Err: fmt.Errorf("want a positive number of seconds, got %d", c.Interval)})
	}
	return c, errors.Join(errs...)
}

// Driver opens boltdb storages.
type Driver struct{}

var _ kv.Driver = Driver{}

// Check validates a boltdb storage's config map.
func (Driver) Check(raw map[string]any) error {
	_, err := parse(raw)
	return err
}

// Open opens (or creates) the file and starts the sweeper. A file locked
// by another process fails after a second instead of hanging.
func (Driver) Open(_ context.Context, _ string, raw map[string]any) (kv.Storage, error) {
	c, err := parse(raw)
	if err != nil {
		return nil, err
	}
	return Open(c.File, os.FileMode(c.Permissions), time.Duration(c.Interval)*time.Second)
}

// Storage is one boltdb storage.
type Storage struct {
	db      *bolt.DB
	sweeper *kv.Sweeper
	closed  atomic.Bool
}

// Open opens the storage in file and sweeps it every interval.
func Open(file string, mode os.FileMode, interval time.Duration) (*Storage, error) {
	db, err := bolt.Open(file, mode, &bolt.Options{Timeout: time.Second})
	if err != nil {
		if errors.Is(err, bolt.ErrTimeout) {
			return nil, fmt.Errorf("boltdb %s: the file is locked by another process (another phprun, or a second storage on the same file)", file)
		}
		return nil, fmt.Errorf("boltdb %s: %w", file, err)
	}
	if err := db.Update(func(tx *bolt.Tx) error {
		_, err := tx.CreateBucketIfNotExists(bucket)
		return err
	}); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("boltdb %s: %w", file, err)
	}
	s := &Storage{db: db}
	s.sweeper = kv.StartSweeper(interval, func() { _ = s.sweepOnce() })
	return s, nil
}

// record is a stored value: expiry (Unix ns, 0 none) then the bytes.
func record(it kv.Item) []byte {
	b := make([]byte, 8+len(it.Value))
	if !it.Expires.IsZero() {
		binary.BigEndian.PutUint64(b, uint64(it.Expires.UnixNano()))
	}
	copy(b[8:], it.Value)
	return b
}

// decode splits a record; ok is false for an expired or malformed one.
func decode(b []byte, now int64) (exp int64, value []byte, ok bool) {
	if len(b) < 8 {
		return 0, nil, false
	}
	exp = int64(binary.BigEndian.Uint64(b))
	if exp != 0 && exp <= now {
		return 0, nil, false
	}
	return exp, b[8:], true
}

func (s *Storage) view(fn func(b *bolt.Bucket, now int64) error) error {
	now := time.Now().UnixNano()
	err := s.db.View(func(tx *bolt.Tx) error { return fn(tx.Bucket(bucket), now) })
	return s.wrap(err)
}

func (s *Storage) update(fn func(b *bolt.Bucket, now int64) error) error {
	now := time.Now().UnixNano()
	err := s.db.Update(func(tx *bolt.Tx) error { return fn(tx.Bucket(bucket), now) })
	return s.wrap(err)
}

func (s *Storage) wrap(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, bolt.ErrDatabaseNotOpen):
		return kv.ErrClosed
	}
	return fmt.Errorf("boltdb %s: %w", s.db.Path(), err)
}

// Has returns the live keys among keys.
func (s *Storage) Has(_ context.Context, keys []string) ([]string, error) {
	var out []string
	err := s.view(func(b *bolt.Bucket, now int64) error {
		for _, k := range keys {
			if _, _, ok := decode(b.Get([]byte(k)), now); ok {
				out = append(out, k)
			}
		}
		return nil
	})
	return out, err
}

// Set stores the items in one transaction; an item already expired
// deletes its key.
func (s *Storage) Set(_ context.Context, items []kv.Item) error {
	return s.update(func(b *bolt.Bucket, now int64) error {
		for _, it := range items {
			if !it.Expires.IsZero() && it.Expires.UnixNano() <= now {
				if err := b.Delete([]byte(it.Key)); err != nil {
					return err
				}
				continue
			}
			if err := b.Put([]byte(it.Key), record(it)); err != nil {
				return fmt.Errorf("key %q: %w", it.Key, err)
			}
		}
		return nil
	})
}

// MGet returns the live items; values are copied out of the transaction.
func (s *Storage) MGet(_ context.Context, keys []string) ([]kv.Item, error) {
	var out []kv.Item
	err := s.view(func(b *bolt.Bucket, now int64) error {
		for _, k := range keys {
			if _, v, ok := decode(b.Get([]byte(k)), now); ok {
				out = append(out, kv.Item{Key: k, Value: append([]byte{}, v...)})
			}
		}
		return nil
	})
	return out, err
}

// MExpire rewrites each live key's expiry.
func (s *Storage) MExpire(_ context.Context, items []kv.Item) error {
	return s.update(func(b *bolt.Bucket, now int64) error {
		for _, it := range items {
			_, v, ok := decode(b.Get([]byte(it.Key)), now)
			if !ok {
				continue
			}
			if !it.Expires.IsZero() && it.Expires.UnixNano() <= now {
				if err := b.Delete([]byte(it.Key)); err != nil {
					return err
				}
				continue
			}
			rec := record(kv.Item{Value: v, Expires: it.Expires})
			if err := b.Put([]byte(it.Key), rec); err != nil {
				return fmt.Errorf("key %q: %w", it.Key, err)
			}
		}
		return nil
	})
}

// TTL returns the live keys with their expiry.
func (s *Storage) TTL(_ context.Context, keys []string) ([]kv.Item, error) {
	var out []kv.Item
	err := s.view(func(b *bolt.Bucket, now int64) error {
		for _, k := range keys {
			exp, _, ok := decode(b.Get([]byte(k)), now)
			if !ok {
				continue
			}
			it := kv.Item{Key: k}
			if exp != 0 {
				it.Expires = time.Unix(0, exp)
			}
			out = append(out, it)
		}
		return nil
	})
	return out, err
}

// Delete removes the keys.
func (s *Storage) Delete(_ context.Context, keys []string) error {
	return s.update(func(b *bolt.Bucket, _ int64) error {
		for _, k := range keys {
			if err := b.Delete([]byte(k)); err != nil {
				return err
			}
		}
		return nil
	})
}

// Clear empties the bucket.
func (s *Storage) Clear(context.Context) error {
	err := s.db.Update(func(tx *bolt.Tx) error {
		if err := tx.DeleteBucket(bucket); err != nil {
			return err
		}
		_, err := tx.CreateBucket(bucket)
		return err
	})
	return s.wrap(err)
}

// Close stops the sweeper and closes the file.
func (s *Storage) Close() error {
	if s.closed.Swap(true) {
		return nil
	}
	s.sweeper.Stop()
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("boltdb %s: %w", s.db.Path(), err)
	}
	return nil
}

// sweepOnce deletes every expired key in one transaction.
func (s *Storage) sweepOnce() error {
	return s.update(func(b *bolt.Bucket, now int64) error {
		var dead [][]byte
		err := b.ForEach(func(k, v []byte) error {
			if _, _, ok := decode(v, now); !ok {
				dead = append(dead, append([]byte{}, k...))
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, k := range dead {
			if err := b.Delete(k); err != nil {
				return err
			}
		}
		return nil
	})
}
