<?php

/**
 * worker.php is the long-running PHP process that phprun starts (server.command in phprun.yaml).
 * It boots once, then answers requests in a loop, so the app stays loaded between requests.
 * Anything it echoes goes to phprun's log, never into a response.
 *
 * vendor-phprun/ is phprun's dependency-free worker runtime (namespace Phprun\), copied here
 * by `phprun init`; it needs no Composer.
 */

declare(strict_types=1);

require __DIR__ . '/vendor-phprun/autoload.php';
require __DIR__ . '/src/App.php';

$worker = \Phprun\Http\Worker::create();
$app = new \App\App();

while ($request = $worker->waitRequest()) {
    try {
        [$status, $headers, $body] = $app->handle($request);
        $worker->respond($status, $body, $headers);
    } catch (\Throwable $e) {
        // The client gets a 500; the message goes to phprun's log and the worker keeps serving.
        $worker->error((string) $e);
    }
}
