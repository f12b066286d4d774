<?php
declare(strict_types=1);
// One worker.php for both pools, as with RoadRunner: RR_MODE=http answers
// "ok" (or counts hits in a kv storage on /kv); RR_MODE=jobs runs the official Consumer, handles each task as its
// x-mode header says and appends one JSON line per delivery to
// $OFFICIAL_CONSUMED (when set).
require __DIR__ . '/autoload.php';

use Spiral\Goridge\RPC\RPC;
use Spiral\RoadRunner\Environment;
use Spiral\RoadRunner\Jobs\Consumer;
use Spiral\RoadRunner\KeyValue\Factory;
use Spiral\RoadRunner\Payload;
use Spiral\RoadRunner\Worker;

if (getenv('RR_MODE') !== 'jobs') {
    // GET /kv?storage=S: the official kv client from inside a worker, on the
    // RPC address phprun hands it (RR_RPC, read through Environment).
    $w = Worker::create();
    $factory = null;
    while ($p = $w->waitPayload()) {
        $uri = json_decode($p->header, true)['uri'] ?? '';
        if (!str_contains($uri, '/kv')) {
            $w->respond(new Payload('ok'));
            continue;
        }
        parse_str((string) parse_url($uri, PHP_URL_QUERY), $q);
        $factory ??= new Factory(RPC::create(Environment::fromGlobals()->getRPCAddress()));
        $cache = $factory->select($q['storage'] ?? 'mem');
        $n = (int) $cache->get('hits', 0) + 1;
        $cache->set('hits', $n);
        $w->respond(new Payload("hits=$n"));
    }
    exit;
}
$log = getenv('OFFICIAL_CONSUMED') ?: '';
$consumer = new Consumer();
while ($task = $consumer->waitTask()) {
    $mode = $task->getHeaderLine('x-mode');
    if ($log !== '') {
        file_put_contents($log, json_encode([
            'at' => microtime(true), 'id' => $task->getId(), 'name' => $task->getName(),
            'pipeline' => $task->getPipeline(), 'queue' => $task->getQueue(), 'driver' => $task->getDriver()?->value,
            'payload' => $task->getPayload(), 'headers' => $task->getHeaders(), 'mode' => $mode,
        ]) . "\n", FILE_APPEND | LOCK_EX);
    }
    $again = $task->hasHeader('attempts');
    match (true) {
        $mode === 'nack' => $task->fail('nope'),
        $mode === 'requeue' && !$again => $task->withHeader('attempts', '1')->withDelay(1)->fail('again', requeue: true),
        $mode === 'fail' && !$again => $task->withHeader('attempts', '1')->fail('boom', requeue: true),
        default => $task->complete(),
    };
}
