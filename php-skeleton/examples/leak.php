<?php

/**
 * leak.php: leaks memory on purpose, to exercise max_worker_memory. Each request keeps
 * ?mb=N (default 1, at most 512) more mebibytes alive (filled, so they count in RSS) and
 * answers "leaked N MiB, holding T MiB, pid P".
 */

declare(strict_types=1);

require __DIR__ . '/../autoload.php';

$kept = [];
$total = 0;
$worker = \Phprun\Http\Worker::create();
while ($req = $worker->waitRequest()) {
    $mb = max(0, min(512, (int) ($req->query['mb'] ?? 1)));
    // str_repeat writes every byte, so the pages are resident, not just reserved.
    $kept[] = str_repeat(chr(65 + count($kept) % 26), $mb * 1024 * 1024);
    $total += $mb;
    $worker->respond(200, "leaked {$mb} MiB, holding {$total} MiB, pid " . getmypid(), ['Content-Type' => ['text/plain']]);
}
