<?php
declare(strict_types=1);
// Issue 19's jobs anchor with the official client: N jobs pushed with
// Queue::dispatchMany() in chunks of CHUNK to the memory pipeline "bench",
// consumed by the jobs pool (worker.php, complete() at once); the clock
// stops when jobs.Stat shows the pipeline empty.
// php jobs_bench.php RPC_ADDR N CHUNK
require __DIR__ . '/autoload.php';

use Spiral\Goridge\RPC\RPC;
use Spiral\RoadRunner\Jobs\Jobs;

[, $addr, $n, $chunk] = $argv;
[$n, $chunk] = [(int) $n, (int) $chunk];
$q = (new Jobs(RPC::create('tcp://' . $addr)))->connect('bench');
$t0 = hrtime(true);
for ($done = 0; $done < $n; $done += $chunk) {
    $batch = [];
    for ($i = $done; $i < min($n, $done + $chunk); $i++) {
        $batch[] = $q->create('Bench', '{"n":' . $i . '}');
    }
    $q->dispatchMany(...$batch);
}
$pushed = (hrtime(true) - $t0) / 1e9;
for ($i = 0; $i < 60000; $i++) {
    $st = $q->getPipelineStat();
    if ($st->getActive() + $st->getDelayed() + $st->getReserved() === 0) {
        break;
    }
    usleep(2000);
}
$total = (hrtime(true) - $t0) / 1e9;
printf("official jobs: n=%d push=%.3f s total=%.3f s jobs/s=%.0f\n", $n, $pushed, $total, $n / $total);
