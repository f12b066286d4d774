<?php

/**
 * worker.php is the long-running PHP process that phprun starts (server.command in phprun.yaml).
 * It boots once, then answers requests in a loop, so the app stays loaded between requests.
 * Anything it echoes goes to phprun's log, never into a response.
 *
 * Requests arrive as PSR-7 objects built with nyholm/psr7 (from Composer's vendor/, or Debian's
 * php-nyholm-psr7). vendor-phprun/ is phprun's worker runtime (namespace Phprun\), copied here
 * by `phprun init`; it is loaded first so that nothing printed while booting reaches the relay.
 */

declare(strict_types=1);

require __DIR__ . '/vendor-phprun/autoload.php';
if (\is_file(__DIR__ . '/vendor/autoload.php')) {
    require __DIR__ . '/vendor/autoload.php';
}
require_once __DIR__ . '/src/App.php';

$factory = \Phprun\Http\Psr7Worker::nyholmFactory();
$worker = new \Phprun\Http\Psr7Worker(\Phprun\Http\Worker::create(), $factory, $factory, $factory);
$app = new \App\App($factory, $factory);

while ($request = $worker->waitRequest()) {
    try {
        $worker->respond($app->handle($request));
    } catch (\Throwable $e) {
        // The client gets a 500; the message goes to phprun's log and the worker keeps serving.
        $worker->error((string) $e);
    }
}
