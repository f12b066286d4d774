<?php
declare(strict_types=1);
// The official spiral/roadrunner-metrics client against a running phprun:
// php metrics.php RPC_ADDR. It declares, updates and unregisters app
// metrics and checks the refusals; the test then parses /metrics.
require __DIR__ . '/autoload.php';

use Spiral\Goridge\RPC\RPC;
use Spiral\RoadRunner\Metrics\Collector;
use Spiral\RoadRunner\Metrics\Exception\MetricsException;
use Spiral\RoadRunner\Metrics\Metrics;
use Spiral\RoadRunner\Metrics\MetricsFactory;
use Spiral\RoadRunner\Metrics\MetricsOptions;

[, $addr] = $argv;
$fails = 0;
$ok = function (string $what, bool $cond, mixed $got = null) use (&$fails): void {
    if (!$cond) {
        $fails++;
    }
    printf("%s %s%s\n", $cond ? 'ok  ' : 'FAIL', $what, $cond ? '' : ' got=' . var_export($got, true));
};
$refused = function (string $what, callable $call, string $want) use ($ok): void {
    try {
        $call();
        $ok($what, false, 'no exception');
    } catch (MetricsException $e) {
        $ok($what . ' -> MetricsException', str_contains($e->getMessage(), $want), $e->getMessage());
    }
};
$m = new Metrics(RPC::create('tcp://' . $addr));

$m->declare('off_orders', Collector::counter()->withHelp('Orders placed.')->withLabels('type', 'channel'));
$m->add('off_orders', 1, ['web', 'eu']);
$m->add('off_orders', 2.5, ['web', 'eu']);
$m->add('off_orders', 1, ['api', 'us']);
$m->declare('off_depth', Collector::gauge()->withNamespace('shop')->withSubsystem('queue'));
$m->set('off_depth', 10);
$m->add('off_depth', 5);
$m->sub('off_depth', 3);
$m->declare('off_latency', Collector::histogram(0.1, 0.5, 1.0)->withLabels('route'));
foreach ([0.05, 0.2, 0.7, 3] as $v) {
    $m->observe('off_latency', $v, ['/a']);
}
$m->declare('off_quantiles', Collector::summary()->withHelp('Durations.'));
foreach ([1, 2, 3, 4] as $v) {
    $m->observe('off_quantiles', $v);
}
$ok('declare, add, set, sub, observe', true);

// Declaring the same collector again is no error (the client swallows
// RoadRunner's "tried to register existing collector").
$m->declare('off_orders', Collector::counter()->withHelp('Orders placed.')->withLabels('type', 'channel'));
$ok('declare again, same collector', true);

$m->declare('off_gone', Collector::counter());
$m->add('off_gone', 1);
$m->unregister('off_gone');
$refused('add after unregister', fn () => $m->add('off_gone', 1), 'undefined collector');

$m->declare('bad name!', Collector::counter());
$m->add('bad name!', 1);
$ok('name sanitised (checked on /metrics)', true);

$refused('undeclared metric', fn () => $m->add('off_never', 1), 'undefined collector off_never');
$refused('empty name', fn () => $m->declare('', Collector::counter()), '');
$refused('label starting with __', fn () => $m->declare('off_l1', Collector::counter()->withLabels('__x')), '');
$refused('duplicate labels', fn () => $m->declare('off_l2', Collector::counter()->withLabels('a', 'a')), '');
$refused('another type under a declared name', fn () => $m->declare('off_orders', Collector::gauge()), 'already declared');
$refused('sub on a counter', fn () => $m->sub('off_orders', 1, ['web', 'eu']), 'does not support method');
$refused('observe on a gauge', fn () => $m->observe('off_depth', 1), 'does not support method');
$refused('wrong label count', fn () => $m->add('off_orders', 1, ['web']), '');
$refused('missing labels', fn () => $m->add('off_orders', 1), '');
$refused('negative add to a counter', fn () => $m->add('off_orders', -1, ['web', 'eu']), '');

// The factory's wrappers: retries, then suppressed exceptions.
$quiet = (new MetricsFactory())->create(RPC::create('tcp://' . $addr), new MetricsOptions(retryAttempts: 1, retrySleepMicroseconds: 1000, suppressExceptions: true));
$quiet->add('off_never', 1);
$quiet->add('off_orders', 1, ['api', 'us']);
$ok('MetricsFactory with suppressExceptions', true);

printf("metrics: %d failures\n", $fails);
exit($fails ? 1 : 0);
