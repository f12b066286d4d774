// Package kv is RoadRunner's kv plugin: named storages, each backed by a
// driver (memory, boltdb, redis), served to PHP over goridge RPC as the
// kv.* methods with RoadRunner's kv.v1 protobuf messages.
//
// The package knows no driver: main hands Open a map of driver names to
// Driver values (kv/memory, kv/boltdb, kv/redis), so a broker client is
// imported only inside its driver package.
package kv
