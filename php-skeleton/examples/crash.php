<?php

/**
 * crash.php: answers "ok" unless the path or the raw query contains "crash"; then it writes
 * "crash.php: crashing on request" to stderr and exits with status 1 in the middle of the
 * request, without replying (the server sees a dead worker).
 */

declare(strict_types=1);

require __DIR__ . '/../autoload.php';

$worker = \Phprun\Http\Worker::create();
while ($req = $worker->waitRequest()) {
    if (str_contains($req->path, 'crash') || str_contains($req->rawQuery, 'crash')) {
        fwrite(STDERR, "crash.php: crashing on request {$req->uri}\n");
        exit(1);
    }
    $worker->respond(200, 'ok', ['Content-Type' => ['text/plain']]);
}
