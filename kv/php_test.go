package kv_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/phprun/phprun/kv"
	"github.com/phprun/phprun/kv/boltdb"
	"github.com/phprun/phprun/kv/kvtest"
	"github.com/phprun/phprun/kv/memcached"
	"github.com/phprun/phprun/kv/memory"
	"github.com/phprun/phprun/kv/redis"
)

// redisSrv is the redis-server of this package's tests, started once; nil
// when redis-server is not installed.
var redisSrv *kvtest.Redis

// memcachedSrv is the memcached of this package's tests, started once;
// nil when memcached is not installed.
var memcachedSrv *kvtest.Memcached

func TestMain(m *testing.M) {
	if os.Getenv("KV_BENCH_ADDR") != "" { // BenchmarkRPCServerCPU's client: no broker needed
		os.Exit(m.Run())
	}
	var err error
	redisSrv, err = kvtest.StartRedis("")
	if err != nil && !errors.Is(err, kvtest.ErrNoRedis) {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	memcachedSrv, err = kvtest.StartMemcached("")
	if err != nil && !errors.Is(err, kvtest.ErrNoMemcached) {
		fmt.Fprintln(os.Stderr, err)
		if redisSrv != nil {
			redisSrv.Stop()
		}
		os.Exit(1)
	}
	code := m.Run()
	if redisSrv != nil {
		redisSrv.Stop()
	}
	if memcachedSrv != nil {
		memcachedSrv.Stop()
	}
	os.Exit(code)
}

// phpKVScript runs the same battery on one storage with php-skeleton's
// Phprun\Kv client and prints one line per check.
const phpKVScript = `<?php
declare(strict_types=1);
require getenv('SKELETON') . '/autoload.php';
$kv = \Phprun\Kv::create($argv[1], getenv('RR_RPC'));
$kv->clear();
$p = static fn (string $label, mixed $v) => print($label . ': ' . json_encode($v) . "\n");
$kv->set('greeting', 'hello');
$p('get', [$kv->get('greeting'), $kv->get('nope', 'dflt')]);
$p('has', [$kv->has('greeting'), $kv->has('nope')]);
$kv->setMultiple(['a' => 1, 'b' => [1, 2]], 60);
$p('getMultiple', $kv->getMultiple(['a', 'b', 'zz'], 'd'));
$raw = $kv->withoutSerializer();
$bytes = random_bytes(64) . "\x00";
$raw->set('raw', $bytes);
$p('binary', $raw->get('raw') === $bytes);
$p('ttl none', $kv->getTtl('greeting'));
$p('ttl 60', abs($kv->getTtl('a')->getTimestamp() - time() - 60) <= 1);
$kv->set('short', 'x', 0.3);
$before = $kv->has('short');
usleep(600000);
$p('sub-second', [$before, $kv->has('short')]);
$kv->set('gone', 'x', 0);
$p('ttl 0', $kv->has('gone'));
$kv->expire(['greeting'], 120);
$p('expire', abs($kv->getTtl('greeting')->getTimestamp() - time() - 120) <= 1);
$kv->deleteMultiple(['a', 'b']);
$p('delete', [$kv->has('a'), $kv->has('b'), $kv->has('greeting')]);
$kv->clear();
$p('clear', $kv->has('greeting'));
`

const phpKVWant = `get: ["hello","dflt"]
has: [true,false]
getMultiple: {"a":1,"b":[1,2],"zz":"d"}
binary: true
ttl none: null
ttl 60: true
sub-second: [true,false]
ttl 0: false
expire: true
delete: [false,false,true]
clear: false
`

// TestPHPClientEveryDriver: php-skeleton's client against each driver
// through the RPC server, as an app uses it.
func TestPHPClientEveryDriver(t *testing.T) {
	php, err := exec.LookPath("php")
	if err != nil {
		t.Skip("php not installed")
	}
	skeleton, _ := filepath.Abs("../php-skeleton")
	cfg := kv.Config{
		"mem":  {Driver: "memory"},
		"bolt": {Driver: "boltdb", Config: map[string]any{"file": filepath.Join(t.TempDir(), "kv.db")}},
	}
	if redisSrv != nil {
		cfg["red"] = kv.StorageConfig{Driver: "redis", Config: map[string]any{"addrs": []any{redisSrv.Addr}}}
	}
	drivers := map[string]kv.Driver{"memory": memory.Driver{}, "boltdb": boltdb.Driver{}, "redis": redis.Driver{}}
	addr, _ := startRPC(t, cfg, drivers)
	script := filepath.Join(t.TempDir(), "kv.php")
	if err := os.WriteFile(script, []byte(phpKVScript), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, storage := range cfg.Names() {
		t.Run(cfg[storage].Driver, func(t *testing.T) {
			out := runPHP(t, php, skeleton, script, storage, addr)
			if out != phpKVWant {
				t.Errorf("storage %s:\n%s\nwant:\n%s", storage, out, phpKVWant)
			}
		})
	}
	if redisSrv == nil {
		t.Log("redis-server not installed: the redis storage was not tried")
	}
}

// phpMemcachedScript is phpKVScript's battery for a memcached storage,
// whose TTL cannot be read: getTtl fails with the driver's message, and
// the expiries are checked by the keys' presence.
const phpMemcachedScript = `<?php
declare(strict_types=1);
require getenv('SKELETON') . '/autoload.php';
$kv = \Phprun\Kv::create($argv[1], getenv('RR_RPC'));
$kv->clear();
$p = static fn (string $label, mixed $v) => print($label . ': ' . json_encode($v) . "\n");
$kv->set('greeting', 'hello');
$p('get', [$kv->get('greeting'), $kv->get('nope', 'dflt')]);
$p('has', [$kv->has('greeting'), $kv->has('nope')]);
$kv->setMultiple(['a' => 1, 'b' => [1, 2]], 60);
$p('getMultiple', $kv->getMultiple(['a', 'b', 'zz'], 'd'));
$bin = "\x00\xff\n\x00";
$kv->set('bin', $bin);
$p('binary', $kv->get('bin') === $bin);
try {
    $kv->getTtl('a');
    $p('ttl', 'no error');
} catch (\Throwable $e) {
    $p('ttl', str_contains($e->getMessage(), "memcached cannot report a key's TTL"));
}
$kv->set('gone', 'x', 0);
$p('ttl 0', $kv->has('gone'));
$kv->deleteMultiple(['a', 'b']);
$p('delete', [$kv->has('a'), $kv->has('b'), $kv->has('greeting')]);
$kv->clear();
$p('clear', $kv->has('greeting'));
`

const phpMemcachedWant = `get: ["hello","dflt"]
has: [true,false]
getMultiple: {"a":1,"b":[1,2],"zz":"d"}
binary: true
ttl: true
ttl 0: false
delete: [false,false,true]
clear: false
`

// TestPHPClientMemcached: php-skeleton's client against a memcached
// storage through the RPC server.
func TestPHPClientMemcached(t *testing.T) {
	php, err := exec.LookPath("php")
	if err != nil {
		t.Skip("php not installed")
	}
	if memcachedSrv == nil {
		t.Skip("memcached not installed")
	}
	skeleton, _ := filepath.Abs("../php-skeleton")
	cfg := kv.Config{"mc": {Driver: "memcached", Config: map[string]any{"addr": []any{memcachedSrv.Addr}}}}
	addr, _ := startRPC(t, cfg, map[string]kv.Driver{"memcached": memcached.Driver{}})
	script := filepath.Join(t.TempDir(), "kv.php")
	if err := os.WriteFile(script, []byte(phpMemcachedScript), 0o644); err != nil {
		t.Fatal(err)
	}
	if out := runPHP(t, php, skeleton, script, "mc", addr); out != phpMemcachedWant {
		t.Errorf("memcached storage:\n%s\nwant:\n%s", out, phpMemcachedWant)
	}
}

// runPHP runs script with the storage name against the RPC server at addr
// and returns what it printed.
func runPHP(t *testing.T, php, skeleton, script, storage, addr string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, php, script, storage)
	cmd.Env = append(os.Environ(), "SKELETON="+skeleton, "RR_RPC=tcp://"+addr)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("php: %v\n%s\n%s", err, out, stderr.String())
	}
	return string(out)
}
