package kv_test

import (
	"bytes"
	"encoding/hex"
	"path/filepath"
	"testing"
	"time"

	"github.com/phprun/phprun/engine/wire"
	"github.com/phprun/phprun/kv"
	"github.com/phprun/phprun/kv/boltdb"
	"github.com/phprun/phprun/kv/memory"
	"github.com/phprun/phprun/kv/redis"
)

// TestOfficialClientWholeSecondTTL replays what spiral/roadrunner-kv 4.x
// sends for $cache->set('k', 'v', 60) and then $cache->getTtl('k') on every
// driver. The client writes the expiry with DATE_RFC3339 (whole seconds)
// and reads the TTL reply back with createFromFormat(DATE_RFC3339), which
// accepts no fraction of a second: the reply must carry the very string
// that was sent. The redis driver used to recompute the instant from PTTL,
// with a fraction, and the client's getTtl() died with a TypeError.
func TestOfficialClientWholeSecondTTL(t *testing.T) {
	cfg := kv.Config{
		"mem":  {Driver: "memory"},
		"bolt": {Driver: "boltdb", Config: map[string]any{"file": filepath.Join(t.TempDir(), "kv.db")}},
	}
	if redisSrv != nil {
		cfg["red"] = kv.StorageConfig{Driver: "redis", Config: map[string]any{"addrs": []any{redisSrv.Addr}}}
	} else {
		t.Log("redis-server not installed: the redis storage was not tried")
	}
	drivers := map[string]kv.Driver{"memory": memory.Driver{}, "boltdb": boltdb.Driver{}, "redis": redis.Driver{}}
	addr, _ := startRPC(t, cfg, drivers)
	c := dial(t, addr)
	ts := time.Now().Add(60 * time.Second).UTC().Format("2006-01-02T15:04:05-07:00") // PHP's DATE_RFC3339
	for _, st := range cfg.Names() {
		// Request{storage, items: [{key: "k", value: s:1:"v";, timeout: ts}]}, as
		// the client's protobuf classes encode it (captured from PHP).
		set := unhex(t, "0a"+hex.EncodeToString([]byte{byte(len(st))})+hex.EncodeToString([]byte(st))+
			"1228 0a016b 1208 733a313a2276223b 1a19"+hex.EncodeToString([]byte(ts)))
		if flags, reply := c.raw("kv.Set", set); flags != wire.CodecProto || len(reply) != 0 {
			t.Fatalf("%s: kv.Set: flags %#x reply %q", st, flags, reply)
		}
		// Request{storage, items: [{key: "k"}]}; the reply must be
		// Response{items: [{key: "k", timeout: ts}]}.
		get := unhex(t, "0a"+hex.EncodeToString([]byte{byte(len(st))})+hex.EncodeToString([]byte(st))+"1203 0a016b")
		want := unhex(t, "0a1e 0a016b 1a19"+hex.EncodeToString([]byte(ts)))
		flags, reply := c.raw("kv.TTL", get)
		if flags != wire.CodecProto || !bytes.Equal(reply, want) {
			t.Errorf("%s: kv.TTL reply %q, want %q", st, reply, want)
		}
	}
}
