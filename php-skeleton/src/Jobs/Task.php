<?php

declare(strict_types=1);

namespace Phprun\Jobs;

use Phprun\Payload;
use Phprun\Worker;

/**
 * Task is one job received by a jobs worker (RR_MODE=jobs). Answer it exactly once with ack(),
 * nack(), requeue() (or the legacy complete()/fail()); the answers are RoadRunner's consumer
 * protocol replies (types 0–4), so phprun and RoadRunner treat them alike.
 */
final class Task
{
    private bool $answered = false;

    /**
     * @param array<string, list<string>> $headers
     */
    public function __construct(
        private readonly Worker $worker,
        public readonly string $id,
        public readonly string $name,
        public readonly string $pipeline,
        public readonly string $driver,
        public readonly string $queue,
        private array $headers,
        public readonly string $payload,
    ) {
    }

    /** @return array<string, list<string>> */
    public function headers(): array
    {
        return $this->headers;
    }

    public function header(string $name): ?string
    {
        return $this->headers[$name][0] ?? null;
    }

    /**
     * withHeader sets a header sent back with requeue() and fail(requeue: true).
     *
     * @param string|list<string> $value
     */
    public function withHeader(string $name, string|array $value): self
    {
        $this->headers[$name] = \is_array($value) ? \array_values($value) : [$value];

        return $this;
    }

    /** ack: the job is done. */
    public function ack(): void
    {
        $this->answer(2, new \stdClass());
    }

    /** nack: the job failed; with $requeue it comes back after $delay seconds, else it is dropped. */
    public function nack(string $message, bool $requeue = false, int $delay = 0): void
    {
        $this->answer(3, ['message' => $message, 'requeue' => $requeue, 'delay_seconds' => $delay]);
    }

    /** requeue: deliver the job again after $delay seconds, with the headers set by withHeader(). */
    public function requeue(string $message = '', int $delay = 0): void
    {
        $this->answer(4, ['message' => $message, 'delay_seconds' => $delay, 'headers' => (object) $this->headers]);
    }

    /** complete is the legacy ack. */
    public function complete(): void
    {
        $this->answer(0, []);
    }

    /** fail is the legacy failure: dropped unless $requeue. */
    public function fail(string|\Throwable $error, bool $requeue = false, int $delay = 0): void
    {
        $message = $error instanceof \Throwable ? (string) $error : $error;
        $this->answer(1, ['message' => $message, 'requeue' => $requeue, 'delay_seconds' => $delay, 'headers' => (object) $this->headers]);
    }

    public function answered(): bool
    {
        return $this->answered;
    }

    /** @param array<string, mixed>|object $data */
    private function answer(int $type, array|object $data): void
    {
        if ($this->answered) {
            throw new \LogicException(\sprintf('phprun: job %s was already answered', $this->id));
        }
        $this->answered = true;
        $body = \json_encode(['type' => $type, 'data' => $data], \JSON_THROW_ON_ERROR | \JSON_UNESCAPED_SLASHES | \JSON_INVALID_UTF8_SUBSTITUTE);
        $this->worker->respond(new Payload($body, ''));
    }
}
