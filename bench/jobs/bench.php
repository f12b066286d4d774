<?php

/**
 * bench/jobs/bench.php: the client side of bench/jobs.sh, with php-skeleton's jobs client.
 *   php bench.php batch ADDR N CHUNK   push N jobs with PushBatch in chunks, wait until every
 *                                      pipeline is empty (Stat), print jobs/s and the push phase
 *   php bench.php single ADDR N        N single Push calls, print p50 and p99 latency
 */

declare(strict_types=1);

require __DIR__ . '/../../php-skeleton/autoload.php';

[, $mode, $addr, $n] = $argv;
$n = (int) $n;
$jobs = \Phprun\Jobs\Jobs::create('tcp://' . $addr);

if ($mode === 'single') {
    $lat = [];
    for ($i = 0; $i < $n; $i++) {
        $t = \hrtime(true);
        $jobs->push('bench', 'Bench', '{"n":' . $i . '}');
        $lat[] = (\hrtime(true) - $t) / 1e6;
    }
    \sort($lat);
    \printf("single push: n=%d p50=%.3f ms p99=%.3f ms\n", $n, $lat[(int) ($n * 0.50)], $lat[(int) ($n * 0.99)]);
    exit;
}

$chunk = (int) ($argv[4] ?? 1000);
$t0 = \hrtime(true);
for ($done = 0; $done < $n; $done += $chunk) {
    $batch = [];
    for ($i = $done; $i < \min($n, $done + $chunk); $i++) {
        $batch[] = ['Bench', '{"n":' . $i . '}'];
    }
    $jobs->pushBatch('bench', $batch);
}
$pushed = (\hrtime(true) - $t0) / 1e9;
// Bounded: at most 120 s of 2 ms polls.
for ($i = 0; $i < 60000; $i++) {
    $left = 0;
    foreach ($jobs->stat() as $s) {
        $left += $s['active'] + $s['delayed'] + $s['reserved'];
    }
    if ($left === 0) {
        break;
    }
    \usleep(2000);
}
$total = (\hrtime(true) - $t0) / 1e9;
\printf("batch: n=%d chunk=%d push=%.3f s total=%.3f s jobs/s=%.0f\n", $n, $chunk, $pushed, $total, $n / $total);
