<?php
declare(strict_types=1);
// Issue 20's kv anchor with the official client: N × (set 100 B + get) on
// one storage through spiral/roadrunner-kv's Cache.
// php kv_bench.php RPC_ADDR STORAGE N; prints calls/s (a call is one set or
// one get: 2N calls) and how the time splits between the relay (writing the
// frame, waiting for phprun's answer, reading it) and the client's own PHP
// work (protobuf encoding and decoding, serializer), measured by a timing
// decorator around the client's relay; client-cpu is the PHP process's own
// user+system CPU per call, which a loaded host does not inflate much.
require __DIR__ . '/autoload.php';

use Spiral\Goridge\Frame;
use Spiral\Goridge\Relay;
use Spiral\Goridge\RelayInterface;
use Spiral\Goridge\RPC\RPC;
use Spiral\RoadRunner\KeyValue\Factory;

[, $addr, $storage, $n] = $argv;
$n = (int) $n;
$relay = new class (Relay::create('tcp://' . $addr)) implements RelayInterface {
    public int $ns = 0;

    public function __construct(private readonly RelayInterface $relay)
    {
    }

    public function waitFrame(): Frame
    {
        $t = hrtime(true);
        try {
            return $this->relay->waitFrame();
        } finally {
            $this->ns += hrtime(true) - $t;
        }
    }

    public function send(Frame $frame): void
    {
        $t = hrtime(true);
        $this->relay->send($frame);
        $this->ns += hrtime(true) - $t;
    }

    public function hasFrame(): bool
    {
        return $this->relay->hasFrame();
    }
};
$cache = (new Factory(new RPC($relay)))->select($storage);
$value = str_repeat('v', 100);
$cache->set('warm', $value);
$cpu = static function (): float {
    $u = getrusage();
    return $u['ru_utime.tv_sec'] + $u['ru_utime.tv_usec'] / 1e6 + $u['ru_stime.tv_sec'] + $u['ru_stime.tv_usec'] / 1e6;
};
$relay->ns = 0;
$c0 = $cpu();
$t0 = hrtime(true);
for ($i = 0; $i < $n; $i++) {
    $cache->set("k$i", $value);
    if ($cache->get("k$i") !== $value) {
        fwrite(STDERR, "kv_bench: k$i read back wrong\n");
        exit(1);
    }
}
$s = (hrtime(true) - $t0) / 1e9;
$io = $relay->ns / 1e9;
printf("official kv %s: n=%d time=%.3f s calls/s=%.0f relay=%.1f us/call client=%.1f us/call client-cpu=%.1f us/call\n",
    $storage, $n, $s, 2 * $n / $s, $io * 1e6 / (2 * $n), ($s - $io) * 1e6 / (2 * $n), ($cpu() - $c0) * 1e6 / (2 * $n));
