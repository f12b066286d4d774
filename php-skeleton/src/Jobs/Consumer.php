<?php

declare(strict_types=1);

namespace Phprun\Jobs;

use Phprun\Exception\ProtocolException;
use Phprun\Worker;

/**
 * Consumer is the jobs worker loop (RR_MODE=jobs): each waitTask() returns the next job, or null
 * when phprun stops the worker.
 *
 * <code>
 * $consumer = \Phprun\Jobs\Consumer::create();
 * while ($task = $consumer->waitTask()) {
 *     try { handle($task->name, $task->payload); $task->ack(); }
 *     catch (\Throwable $e) { $task->nack((string) $e, requeue: true, delay: 5); }
 * }
 * </code>
 */
final class Consumer
{
    public function __construct(private readonly Worker $worker)
    {
    }

    public static function create(): self
    {
        return new self(Worker::create());
    }

    public function worker(): Worker
    {
        return $this->worker;
    }

    /**
     * @throws ProtocolException when the context is not the jobs context JSON
     */
    public function waitTask(): ?Task
    {
        $p = $this->worker->waitPayload();
        if ($p === null) {
            return null;
        }
        try {
            $ctx = \json_decode($p->header, true, 64, \JSON_THROW_ON_ERROR);
        } catch (\JsonException $e) {
            throw new ProtocolException('phprun: jobs context is not JSON: ' . $e->getMessage(), 0, $e);
        }
        if (!\is_array($ctx) || !isset($ctx['id'])) {
            throw new ProtocolException('phprun: jobs context has no id (is this worker in the HTTP pool? check RR_MODE)');
        }

        return new Task(
            $this->worker,
            (string) $ctx['id'],
            (string) ($ctx['job'] ?? ''),
            (string) ($ctx['pipeline'] ?? 'unknown'),
            (string) ($ctx['driver'] ?? 'unknown'),
            (string) ($ctx['queue'] ?? 'unknown'),
            \is_array($ctx['headers'] ?? null) ? $ctx['headers'] : [],
            $p->body,
        );
    }
}
