<?php

// kv.php STORAGE [N]: N × (set 100 B + get) through php-skeleton's Phprun\Kv client on RR_RPC
// (default tcp://127.0.0.1:6001), the figure the issue compares with RoadRunner's. Prints ops/s,
// one op being one call.

declare(strict_types=1);

require __DIR__ . '/../autoload.php';

$storage = $argv[1] ?? 'local';
$n = (int) ($argv[2] ?? 1000);
$kv = \Phprun\Kv::create($storage);
$value = str_repeat('x', 100);
for ($i = 0; $i < 100; $i++) { // warm up
    $kv->set("k$i", $value);
}
$start = hrtime(true);
for ($i = 0; $i < $n; $i++) {
    $kv->set("key$i", $value);
    if ($kv->get("key$i") !== $value) {
        fwrite(STDERR, "mismatch at $i\n");
        exit(1);
    }
}
$s = (hrtime(true) - $start) / 1e9;
printf("%s: %d ops in %.3f s = %.0f ops/s\n", $storage, 2 * $n, $s, 2 * $n / $s);
