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

if (\getenv('RR_MODE') === 'jobs') {
    // phprun started this process for the jobs pool (a jobs: section in phprun.yaml): it consumes
    // queued jobs instead of requests. Push jobs from anywhere in the app with
    // \Phprun\Jobs\Jobs::create()->push('default', 'SendWelcomeMail', \json_encode($data));
    $consumer = \Phprun\Jobs\Consumer::create();
    while ($task = $consumer->waitTask()) {
        try {
            // Dispatch on $task->name; $task->payload is the string pushed, $task->headers() its headers.
            \error_log(\sprintf('job %s (%s) from pipeline %s', $task->name, $task->id, $task->pipeline));
            $task->ack();
        } catch (\Throwable $e) {
            // Try again in 10 seconds; nack($message) without requeue drops the job.
            $task->nack((string) $e, requeue: true, delay: 10);
        }
    }
    return;
}

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
