<?php

/**
 * slow.php: sleeps ?ms=N milliseconds (default 100, at most 60000), then answers "slept N ms".
 */

declare(strict_types=1);

require __DIR__ . '/../autoload.php';

$worker = \Phprun\Http\Worker::create();
while ($req = $worker->waitRequest()) {
    $ms = max(0, min(60000, (int) ($req->query['ms'] ?? 100)));
    usleep($ms * 1000);
    $worker->respond(200, "slept {$ms} ms", ['Content-Type' => ['text/plain']]);
}
