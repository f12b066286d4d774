<?php
declare(strict_types=1);
// The official spiral/roadrunner-jobs client against a running phprun
// whose jobs pool runs worker.php: php jobs.php RPC_ADDR CONSUMED_LOG.
// Pipelines expected: p1 (memory, priority 10, consumed), p2 (memory, not
// consumed), and "dyn" listed in jobs.consume but not configured.
require __DIR__ . '/autoload.php';

use RoadRunner\Jobs\DTO\V1\Pipelines;
use RoadRunner\Jobs\DTO\V1\PBEmpty;
use Spiral\Goridge\RPC\Codec\ProtobufCodec;
use Spiral\Goridge\RPC\RPC;
use Spiral\RoadRunner\Jobs\Exception\JobsException;
use Spiral\RoadRunner\Jobs\Jobs;
use Spiral\RoadRunner\Jobs\Options;
use Spiral\RoadRunner\Jobs\Queue\MemoryCreateInfo;

[, $addr, $log] = $argv;
$fails = 0;
$ok = function (string $what, bool $cond, mixed $got = null) use (&$fails): void {
    if (!$cond) {
        $fails++;
    }
    printf("%s %s%s\n", $cond ? 'ok  ' : 'FAIL', $what, $cond ? '' : ' got=' . json_encode($got));
};
$rpc = RPC::create('tcp://' . $addr)->withCodec(new ProtobufCodec());
$jobs = new Jobs(RPC::create('tcp://' . $addr));
$q = $jobs->connect('p1');
$ids = [];
$start = microtime(true);
foreach (['ack', 'nack', 'requeue', 'fail'] as $mode) {
    $ids[$mode] = $q->dispatch($q->create('mail', '{"to":"a"}')->withHeader('x-mode', $mode))->getId();
}
$ids['push'] = $q->push('pushed', 'p', new Options(priority: 5))->getId();
$ids['delayed'] = $q->dispatch($q->create('delayed', 'x', new Options(delay: 1, priority: 3))->withHeader('x-mode', 'ack'))->getId();
$batch = [];
for ($i = 0; $i < 5; $i++) {
    $batch[] = $q->create('batch', "b$i")->withHeader('x-mode', 'ack');
}
$ok('dispatchMany (PushBatch)', count(iterator_to_array($q->dispatchMany(...$batch))) === 5);
$names = [];
foreach ($jobs as $name => $_) {
    $names[] = $name;
}
sort($names);
$ok('iterate Jobs (List)', $names === ['p1', 'p2'], $names);
$ok('count(Jobs)', count($jobs) === 2, count($jobs));
$p2 = $jobs->connect('p2');
$ok('configured, not consumed pipeline is paused', $p2->isPaused() === true);
$jobs->resume('p2');
$ok('resume', $p2->isPaused() === false);
$jobs->pause('p2');
$ok('pause', $p2->isPaused() === true);
$dyn = $jobs->create(new MemoryCreateInfo('dyn', priority: 3, prefetch: 7));
$st = $dyn->getPipelineStat();
$ok('create (Declare) a consumed pipeline', $st?->getPipeline() === 'dyn' && $st->getPriority() === 3 && !$dyn->isPaused(), [$st?->getPipeline(), $st?->getPriority(), $dyn->isPaused()]);
$ids['dyn'] = $dyn->dispatch($dyn->create('dynjob', 'd')->withHeader('x-mode', 'ack'))->getId();
$tmp = $jobs->create(new MemoryCreateInfo('tmp'));
$ok('create (Declare) a pipeline not in jobs.consume starts paused', $tmp->isPaused() === true);
// This 4.x client has no destroy(): call jobs.Destroy with its own DTO, as
// the client's other calls do.
$rpc->call('jobs.Destroy', new Pipelines(['pipelines' => ['tmp']]), PBEmpty::class);
$names = [];
foreach ($jobs as $name => $_) {
    $names[] = $name;
}
$ok('jobs.Destroy', !in_array('tmp', $names, true), $names);
try {
    $jobs->connect('nope')->push('x', 'y');
    $ok('push to an unknown pipeline', false);
} catch (JobsException $e) {
    $ok('push to an unknown pipeline -> JobsException', str_contains($e->getMessage(), 'no such pipeline, requested: nope'), $e->getMessage());
}
$st = $q->getPipelineStat();
$ok('getPipelineStat', $st->getDriver() === 'memory' && $st->getQueue() === 'p1' && $st->getReady() && $st->getPriority() === 10,
    [$st->getDriver(), $st->getQueue(), $st->getReady(), $st->getPriority()]);

// Wait for the consumer: 4 + 1 + 1 + 5 + 1 first deliveries, plus the
// redeliveries of "requeue" (after 1 s) and "fail".
$want = 14;
$lines = [];
for ($i = 0; $i < 100 && count($lines) < $want; $i++) {
    usleep(100_000);
    $lines = is_file($log) ? array_map(fn ($l) => json_decode($l, true), file($log, FILE_IGNORE_NEW_LINES)) : [];
}
$ok("$want deliveries", count($lines) === $want, count($lines));
$by = [];
foreach ($lines as $l) {
    $by[$l['id']][] = $l;
}
$first = $by[$ids['ack']][0] ?? [];
$ok('delivered with name, payload, pipeline, driver, headers', ($first['name'] ?? '') === 'mail' && $first['payload'] === '{"to":"a"}'
    && $first['pipeline'] === 'p1' && $first['driver'] === 'memory' && $first['headers']['x-mode'] === ['ack'], $first);
$ok('nack (fail) is not redelivered', count($by[$ids['nack']] ?? []) === 1);
$rq = $by[$ids['requeue']] ?? [];
$ok('requeue with delay and header', count($rq) === 2 && ($rq[1]['headers']['attempts'] ?? null) === ['1'] && $rq[1]['at'] - $rq[0]['at'] >= 0.9,
    $rq);
$fl = $by[$ids['fail']] ?? [];
$ok('fail(requeue: true) redelivers with the header', count($fl) === 2 && ($fl[1]['headers']['attempts'] ?? null) === ['1'], $fl);
$ok('delay 1 s', isset($by[$ids['delayed']]) && $by[$ids['delayed']][0]['at'] - $start >= 0.9);
$ok('push() with Options', ($by[$ids['push']][0]['name'] ?? '') === 'pushed');
$ok('declared pipeline consumed', ($by[$ids['dyn']][0]['pipeline'] ?? '') === 'dyn');
printf("jobs: %d failures\n", $fails);
exit($fails ? 1 : 0);
