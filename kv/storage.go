package kv

import (
	"context"
	"errors"
	"time"
)

// Item is one key with its value and expiry, as a driver stores it.
type Item struct {
	Key   string
	Value []byte
	// Expires is when the key stops existing; the zero time means never.
	Expires time.Time
}

// Storage is one named storage. Methods take whole batches because every
// kv.* RPC call carries a list of items; a driver answers a batch in one
// round trip where its backend allows. Results keep the order of the keys
// asked for and leave out keys that do not exist (or have expired).
//
// Implementations are safe for concurrent use.
type Storage interface {
	// Has returns the keys among keys that exist.
	Has(ctx context.Context, keys []string) ([]string, error)
	// Set stores every item, replacing any previous value and expiry. An
	// item whose Expires is already past is removed instead: a key given a
	// TTL always expires, even one that arrives late.
	Set(ctx context.Context, items []Item) error
	// MGet returns the items found, with Key and Value set.
	MGet(ctx context.Context, keys []string) ([]Item, error)
	// MExpire sets a new expiry on each existing key; missing keys are
	// skipped. A zero Expires removes the expiry.
	MExpire(ctx context.Context, items []Item) error
	// TTL returns the items found with Key and Expires set (zero Expires
	// for a key without TTL).
	TTL(ctx context.Context, keys []string) ([]Item, error)
	// Delete removes the keys; missing keys are not an error.
	Delete(ctx context.Context, keys []string) error
	// Clear removes every key of the storage.
	Clear(ctx context.Context) error
	// Close releases the storage's resources (files, connections, sweeper).
	Close() error
}

// Driver opens storages of one kind. Check validates a storage's raw
// `config` map at load time so that mistakes are reported with the config
// file's line before anything starts; Open builds the storage. Both get
// the map as the config loader produced it (nil when the section is absent).
type Driver interface {
	Check(raw map[string]any) error
	Open(ctx context.Context, name string, raw map[string]any) (Storage, error)
}

// Errors a storage can return.
var (
	// ErrClosed is returned by a storage used after Close.
	ErrClosed = errors.New("kv: storage closed")
)
