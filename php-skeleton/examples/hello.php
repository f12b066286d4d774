<?php

/**
 * hello.php: the smallest phprun worker. Every request gets "Hello, World!" as text/plain.
 */

declare(strict_types=1);

require __DIR__ . '/../autoload.php';

$worker = \Phprun\Http\Worker::create();
while ($req = $worker->waitRequest()) {
    $worker->respond(200, 'Hello, World!', ['Content-Type' => ['text/plain; charset=utf-8']]);
}
