<?php

declare(strict_types=1);

namespace Phprun\Http;

use Phprun\Environment;
use Phprun\Exception\ProtocolException;
use Phprun\Exception\StreamStoppedException;
use Phprun\Frame;
use Phprun\Payload;
use Phprun\Worker as CoreWorker;

/**
 * Worker is the HTTP worker: it turns jobs into Request objects and replies with
 * {"status":int,"headers":{...}} contexts (PROTOCOL.md 3.2, 3.7). A Generator body is streamed
 * chunk by chunk; a 1xx status with endOfStream false sends an informational response
 * (103 Early Hints) ahead of the final one.
 *
 * <code>
 * $worker = \Phprun\Http\Worker::create();
 * while ($req = $worker->waitRequest()) {
 *     $worker->respond(200, 'hi', ['Content-Type' => 'text/plain']);
 * }
 * </code>
 */
final class Worker
{
    /** The status+headers context has been sent for the open stream. */
    private bool $contextSent = false;

    public function __construct(private readonly CoreWorker $worker)
    {
    }

    /**
     * create builds an HTTP worker on the relay named by RR_RELAY (default "pipes").
     */
    public static function create(?Environment $env = null): self
    {
        return new self(CoreWorker::create($env));
    }

    public function worker(): CoreWorker
    {
        return $this->worker;
    }

    /**
     * waitRequest blocks until the next request and returns it, or null when the worker must
     * exit (stop requested by the server). A request whose context cannot be decoded is
     * answered with a soft error and skipped.
     */
    public function waitRequest(): ?Request
    {
        for ($i = 0; $i < 1000; $i++) {
            $payload = $this->worker->waitPayload();
            if ($payload === null || ($payload->header === '' && $payload->body === '')) {
                return null;
            }
            if (($payload->flags & Frame::CODEC_PROTO) !== 0) {
                $this->worker->error('phprun runtime: protobuf request contexts are not supported; the server must send JSON contexts');
                continue;
            }
            try {
                return Request::fromContext($payload->header, $payload->body);
            } catch (ProtocolException $e) {
                $this->worker->error($e->getMessage());
            }
        }
        throw new ProtocolException('phprun: 1000 undecodable requests in a row');
    }

    /**
     * respond sends the response. $body may be a string (or Stringable) or a Generator whose
     * yielded strings are streamed and whose return value (if any) is the last chunk.
     * Header values may be strings or lists of strings. With $endOfStream false the response is
     * left open: use it for 1xx (e.g. 103 Early Hints, empty body) before the final respond().
     *
     * @param array<string, string|list<string>> $headers
     */
    public function respond(int $status, string|\Stringable|\Generator $body = '', array $headers = [], bool $endOfStream = true): void
    {
        if ($body instanceof \Generator) {
            $this->respondStream($status, $body, $headers, $endOfStream);

            return;
        }
        $body = (string) $body;
        if ($status < 200 && $status >= 100 && $body !== '') {
            throw new \InvalidArgumentException('phprun: a 1xx informational response cannot have a body');
        }
        if ($status >= 200 && $this->contextSent) {
            // Continuing a response whose final status was sent already: body only.
            $context = '';
        } else {
            $context = self::context($status, $headers);
        }
        if ($status >= 200) {
            $this->contextSent = !$endOfStream;
        }
        $this->worker->respond(new Payload($body, $context), Frame::CODEC_JSON, $endOfStream);
    }

    /**
     * error fails the current request with the server's internal error status; the worker is
     * reused. The message is logged by the server (and shown in debug mode).
     */
    public function error(string $message): void
    {
        $this->contextSent = false;
        $this->worker->error($message);
    }

    /**
     * stop asks the server to replace this worker; the current request is re-run elsewhere.
     */
    public function stop(): void
    {
        $this->worker->stop();
    }

    /**
     * context encodes the response context; empty headers must be {} rather than [].
     *
     * @param array<string, string|list<string>> $headers
     */
    public static function context(int $status, array $headers): string
    {
        if ($headers === []) {
            return '{"status":' . $status . ',"headers":{}}';
        }
        $h = [];
        foreach ($headers as $name => $values) {
            if (\is_array($values)) {
                $list = [];
                foreach ($values as $v) {
                    $list[] = (string) $v;
                }
                $h[(string) $name] = $list;
            } else {
                $h[(string) $name] = [(string) $values];
            }
        }

        return \json_encode(['status' => $status, 'headers' => $h], \JSON_THROW_ON_ERROR | \JSON_UNESCAPED_SLASHES | \JSON_UNESCAPED_UNICODE | \JSON_INVALID_UTF8_SUBSTITUTE);
    }

    /**
     * respondStream sends each yielded chunk as a STREAM frame. Status and headers travel with
     * the first frame only (later frames carry an empty context). When the server stops the
     * stream, StreamStoppedException is thrown into the generator and the stream is closed with
     * the empty terminator. When the generator throws, the stream is closed and the exception
     * rethrown.
     *
     * @param array<string, string|list<string>> $headers
     */
    private function respondStream(int $status, \Generator $body, array $headers, bool $endOfStream): void
    {
        $context = self::context($status, $headers);
        $this->contextSent = false;
        $w = $this->worker;
        try {
            // Bounded by the generator itself; one frame per yielded value.
            while ($body->valid()) {
                $chunk = (string) $body->current();
                if ($w->streamStopped()) {
                    try {
                        $body->throw(new StreamStoppedException('phprun: stream stopped by the server'));
                    } catch (\Throwable) {
                        // The client is gone; whatever the generator makes of it has no audience.
                    }
                    $w->endStream();
                    $this->contextSent = false;

                    return;
                }
                if ($chunk !== '' || !$this->contextSent) {
                    $w->respond(new Payload($chunk, $this->contextSent ? '' : $context), Frame::CODEC_JSON, false);
                    $this->contextSent = true;
                }
                $body->next();
            }
        } catch (\Throwable $e) {
            $w->endStream();
            $this->contextSent = false;
            throw $e;
        }
        $last = (string) $body->getReturn();
        if (!$endOfStream && $last === '') {
            return;
        }
        $w->respond(new Payload($last, $this->contextSent ? '' : $context), Frame::CODEC_JSON, $endOfStream);
        $this->contextSent = !$endOfStream;
    }
}
