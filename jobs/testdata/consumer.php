<?php

/**
 * consumer.php: the jobs worker of the jobs package's tests. What it does with a job depends on
 * the job's name; every job received is logged as one JSON line to $JOBS_LOG.
 */

declare(strict_types=1);

require __DIR__ . '/../../php-skeleton/autoload.php';

$log = (string) getenv('JOBS_LOG');
$consumer = \Phprun\Jobs\Consumer::create();
while ($task = $consumer->waitTask()) {
    if ($task->name === 'Bench') { $task->ack(); continue; }
    $line = ['id' => $task->id, 'name' => $task->name, 'pipeline' => $task->pipeline, 'driver' => $task->driver,
        'headers' => (object) $task->headers(), 'payload' => $task->payload, 'pid' => getmypid(), 'mode' => getenv('RR_MODE')];
    file_put_contents($log, json_encode($line, JSON_UNESCAPED_SLASHES) . "\n", FILE_APPEND | LOCK_EX);
    $again = $task->header('attempts') !== null;
    switch ($task->name) {
        case 'nack':
            $task->nack('nope');
            break;
        case 'requeue-once':
            $again ? $task->ack() : $task->withHeader('attempts', '1')->requeue('again', (int) $task->payload);
            break;
        case 'fail-requeue-once':
            $again ? $task->complete() : $task->withHeader('attempts', '1')->fail('boom', true);
            break;
        case 'fail':
            $task->fail('broken');
            break;
        case 'crash-once':
            if (!file_exists($task->payload)) {
                touch($task->payload);
                posix_kill(getmypid(), SIGKILL);
            }
            $task->ack();
            break;
        case 'slow-once':
            if (!file_exists($task->payload)) {
                touch($task->payload);
                sleep(5);
            }
            $task->ack();
            break;
        case 'crash-always':
            posix_kill(getmypid(), SIGKILL);
            break;
        case 'garbage':
            $consumer->worker()->respond(new \Phprun\Payload('this is not json'));
            break;
        case 'error':
            $consumer->worker()->error('worker error');
            break;
        case 'sleep':
            usleep((int) $task->payload * 1000);
            $task->ack();
            break;
        default:
            $task->ack();
    }
}
