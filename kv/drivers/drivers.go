// Package drivers lists the kv drivers phprun offers, for the config
// (validation at load time) and main (opening the storages). It exists so
// that package kv needs no driver and no driver needs another.
package drivers

import (
	"github.com/phprun/phprun/kv"
	"github.com/phprun/phprun/kv/boltdb"
	"github.com/phprun/phprun/kv/memcached"
	"github.com/phprun/phprun/kv/memory"
	"github.com/phprun/phprun/kv/redis"
)

// All returns the drivers by the name a storage's `driver` key gives.
func All() map[string]kv.Driver {
	return map[string]kv.Driver{
		"memory":    memory.Driver{},
		"boltdb":    boltdb.Driver{},
		"redis":     redis.Driver{},
		"memcached": memcached.Driver{},
	}
}
