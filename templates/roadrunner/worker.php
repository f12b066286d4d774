<?php

/**
 * worker.php is the long-running PHP process that phprun starts (server.command in phprun.yaml).
 * It uses RoadRunner's own PHP library (spiral/roadrunner-http) unchanged: phprun speaks the
 * same protocol, so this file runs under `rr serve` too. Anything it echoes goes to the log.
 */

declare(strict_types=1);

use Spiral\RoadRunner\Http\PSR7Worker;
use Spiral\RoadRunner\Worker;

require __DIR__ . '/vendor/autoload.php';
require_once __DIR__ . '/src/App.php';

// Any PSR-17 implementation works; these are the two most common ones.
$factory = match (true) {
    \class_exists(\Nyholm\Psr7\Factory\Psr17Factory::class) => new \Nyholm\Psr7\Factory\Psr17Factory(),
    \class_exists(\GuzzleHttp\Psr7\HttpFactory::class) => new \GuzzleHttp\Psr7\HttpFactory(),
    default => throw new \RuntimeException('worker.php needs a PSR-17 factory: composer require nyholm/psr7'),
};
$worker = new PSR7Worker(Worker::create(), $factory, $factory, $factory);
$app = new \App\App($factory, $factory);

while (true) {
    try {
        $request = $worker->waitRequest();
    } catch (\Throwable $e) {
        // A request the library could not decode: answer 400 and keep serving.
        $worker->respond($factory->createResponse(400));
        continue;
    }
    if ($request === null) {
        break; // phprun asked this worker to stop
    }
    try {
        $worker->respond($app->handle($request));
    } catch (\Throwable $e) {
        // The client gets a 500; the message goes to phprun's log and the worker keeps serving.
        $worker->getWorker()->error((string) $e);
    }
}
