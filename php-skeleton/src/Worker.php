<?php

declare(strict_types=1);

namespace Phprun;

use Phprun\Exception\ProtocolException;
use Phprun\Exception\RelayClosedException;
use Phprun\Output\OutputRedirect;
use Phprun\Relay\RelayFactory;
use Phprun\Relay\RelayInterface;
use Phprun\Relay\StreamRelay;

/**
 * Worker is the protocol loop of one PHP worker process (PROTOCOL.md section 2): it answers the
 * PID handshake, honours {"stop":true}, hands data frames to the application as Payloads and
 * sends replies, soft errors, stop requests and stream chunks (with PING/PONG and STOP).
 *
 * <code>
 * $worker = \Phprun\Worker::create();
 * while ($payload = $worker->waitPayload()) {
 *     $worker->respond(new \Phprun\Payload('done', '{}'));
 * }
 * </code>
 */
final class Worker
{
    /** A streaming worker sets PING on every 5th chunk frame, as spiral/roadrunner-worker does. */
    public const PING_EVERY = 5;

    /** The exact context of a worker-initiated stop (PROTOCOL.md 2.7). */
    public const STOP_CONTEXT = '{"stop":true}';

    /** True while a response stream is open (STREAM frames sent, final frame not yet). */
    private bool $streaming = false;

    /** Frames sent in the open stream. */
    private int $streamFrames = 0;

    /** Set when the server sent STOP for the open stream. */
    private bool $streamStopped = false;

    /** True between handing out a payload and finishing its reply; read by the SIGTERM handler. */
    private bool $busy = false;

    /** Set by SIGTERM while busy: exit once the current reply has been sent. */
    private bool $terminating = false;

    /**
     * Set by create() when the relay came from the environment: this process is meant to be a
     * server's worker, so an input that ends before the first frame means no server is there.
     */
    private bool $launched = false;

    /** Set once the first frame has been received. */
    private bool $received = false;

    public function __construct(private readonly RelayInterface $relay, bool $interceptOutput = true)
    {
        if ($interceptOutput) {
            OutputRedirect::install();
        }
    }

    /**
     * create builds a worker on the relay named by RR_RELAY. Without $env, a process that no
     * server started (no RR_RELAY), or whose input ends before the first frame, is told so in
     * one line on stderr and exits with Launch::EXIT_CODE (see Launch).
     */
    public static function create(?Environment $env = null, bool $interceptOutput = true): self
    {
        if ($interceptOutput) {
            // Before connecting: anything printed while connecting must not reach stdout.
            OutputRedirect::install();
        }
        $launched = $env === null;
        if ($launched && !Environment::startedByServer()) {
            Launch::notStartedByServer('RR_RELAY is not set');
        }
        $env ??= Environment::fromGlobals();
        $worker = new self(RelayFactory::create($env->relay), $interceptOutput);
        $worker->launched = $launched;
        $worker->handleSigterm();

        return $worker;
    }

    /**
     * handleSigterm makes SIGTERM graceful when pcntl is available: an idle worker exits at
     * once with status 0, a busy one finishes and sends its current reply first. (phprun and
     * RoadRunner normally stop workers with {"stop":true}; SIGTERM is their next step.)
     */
    public function handleSigterm(): void
    {
        if (!\function_exists('pcntl_async_signals') || !\function_exists('pcntl_signal')) {
            return;
        }
        \pcntl_async_signals(true);
        if ($this->relay instanceof StreamRelay) {
            $this->relay->setInterruptible(true);
        }
        // restart_syscalls=false: a blocking read of the relay is interrupted, so an idle
        // worker notices the signal instead of sleeping on until the next request.
        \pcntl_signal(\SIGTERM, function (): void {
            if ($this->busy) {
                $this->terminating = true;

                return;
            }
            \fwrite(\STDERR, 'phprun: worker ' . \getmypid() . " got SIGTERM while idle, exiting\n");
            exit(0);
        }, false);
    }

    public function relay(): RelayInterface
    {
        return $this->relay;
    }

    /**
     * waitPayload blocks until the server sends a job and returns it, or returns null when the
     * server asks this worker to stop. PID requests are answered and stray PONG/STOP frames
     * (left over from a finished stream) are skipped on the way.
     *
     * @throws \Phprun\Exception\RelayException on a closed or broken relay
     * @throws ProtocolException on a garbled frame or an unknown control message
     */
    public function waitPayload(): ?Payload
    {
        if ($this->streaming) {
            throw new ProtocolException('phprun: waitPayload() called while a response stream is still open; finish it with a final respond()');
        }
        $this->busy = false;
        // Bounded: each iteration consumes one frame; only control/PONG/STOP frames loop.
        for ($i = 0; $i < 1_000_000; $i++) {
            try {
                $frame = $this->relay->receive();
            } catch (RelayClosedException $e) {
                if ($this->launched && !$this->received) {
                    Launch::notStartedByServer('its input ended before any frame arrived');
                }
                throw $e;
            }
            $this->received = true;
            if (($frame->flags & Frame::CONTROL) !== 0) {
                if ($this->handleControl($frame->payload)) {
                    continue;
                }

                return null;
            }
            if (($frame->byte10 & (Frame::STOP | Frame::PONG)) !== 0) {
                continue;
            }
            if (\count($frame->options) !== 1) {
                throw new ProtocolException(\sprintf('phprun: data frame must carry exactly 1 option (context length), got %d', \count($frame->options)));
            }
            $ctxLen = $frame->options[0];
            if ($ctxLen > \strlen($frame->payload)) {
                throw new ProtocolException(\sprintf('phprun: context length %d exceeds payload length %d', $ctxLen, \strlen($frame->payload)));
            }

            $this->busy = true;

            return new Payload(\substr($frame->payload, $ctxLen), \substr($frame->payload, 0, $ctxLen), $frame->flags);
        }
        throw new ProtocolException('phprun: too many consecutive control frames');
    }

    /**
     * respond sends a reply: one frame, one option = context length, payload = context ‖ body.
     * With $endOfStream false the frame is a STREAM chunk and more must follow; a final
     * respond() (endOfStream true) closes the stream.
     *
     * @param int $codec flags byte of the reply (0 or Frame::CODEC_JSON for HTTP)
     */
    public function respond(Payload $payload, int $codec = 0, bool $endOfStream = true): void
    {
        $byte10 = 0;
        if (!$endOfStream) {
            if (!$this->streaming) {
                $this->streaming = true;
                $this->streamFrames = 0;
                $this->streamStopped = false;
            }
            $byte10 = Frame::STREAM;
            if ($this->streamFrames > 0 && $this->streamFrames % self::PING_EVERY === 0) {
                $byte10 |= Frame::PING;
            }
        }
        $this->relay->send(Frame::encode($payload->header . $payload->body, $codec, [\strlen($payload->header)], $byte10));
        if ($endOfStream) {
            $this->streaming = false;
            $this->streamStopped = false;
            $this->finished();

            return;
        }
        $this->streamFrames++;
        if (($byte10 & Frame::PING) !== 0) {
            $this->awaitPong();
        }
    }

    /**
     * streamStopped reports whether the server cancelled the open stream (its client went away).
     * It checks the relay without blocking, so call it before producing each chunk.
     */
    public function streamStopped(): bool
    {
        if (!$this->streaming) {
            return false;
        }
        if ($this->streamStopped) {
            return true;
        }
        // Bounded: frames waiting now are few (a PONG, a STOP).
        for ($i = 0; $i < 16 && $this->relay->hasPending(); $i++) {
            $this->consumeStreamFrame($this->relay->receive());
            if ($this->streamStopped) {
                break;
            }
        }

        return $this->streamStopped;
    }

    /**
     * endStream closes a stream the server stopped (or the application abandoned) with the empty
     * terminator frame the server drains for: one option = 0, empty payload, STREAM clear.
     */
    public function endStream(): void
    {
        $this->relay->send(Frame::encode('', 0, [0]));
        $this->streaming = false;
        $this->streamStopped = false;
        $this->finished();
    }

    /**
     * error reports a soft error: the request fails (HTTP 500) and this worker is reused.
     */
    public function error(string $message): void
    {
        if ($this->streaming) {
            // A stream cannot be turned into an error any more; close it so the worker stays usable.
            $this->endStream();

            return;
        }
        $this->relay->send(Frame::encode($message, Frame::ERROR));
        $this->finished();
    }

    /**
     * stop asks the server to retire this worker; the current request is re-run on another one.
     * Leave the loop afterwards (the server sends {"stop":true} next).
     */
    public function stop(): void
    {
        $this->relay->send(Frame::encode(self::STOP_CONTEXT, 0, [\strlen(self::STOP_CONTEXT)]));
        $this->finished();
    }

    /**
     * finished runs after the last frame of a reply: header() check, and a deferred SIGTERM.
     */
    private function finished(): void
    {
        $this->busy = false;
        OutputRedirect::checkHeaders();
        if ($this->terminating) {
            \fwrite(\STDERR, 'phprun: worker ' . \getmypid() . " exiting after SIGTERM\n");
            exit(0);
        }
    }

    /**
     * handleControl answers a control message; it returns false when the worker must stop.
     */
    private function handleControl(string $json): bool
    {
        $cmd = \json_decode($json, true);
        if (!\is_array($cmd)) {
            throw new ProtocolException('phprun: control message is not a JSON object: ' . \substr($json, 0, 200));
        }
        if (!empty($cmd['stop'])) {
            return false;
        }
        if (!empty($cmd['pid'])) {
            $this->relay->send(Frame::encode('{"pid":' . \getmypid() . '}', Frame::CONTROL));

            return true;
        }
        throw new ProtocolException('phprun: unknown control message: ' . \substr($json, 0, 200));
    }

    /**
     * awaitPong reads until the PONG for our PING arrives. A STOP seen meanwhile is remembered.
     */
    private function awaitPong(): void
    {
        for ($i = 0; $i < 64; $i++) {
            $frame = $this->relay->receive();
            if (($frame->byte10 & Frame::PONG) !== 0 && ($frame->flags & Frame::CONTROL) === 0) {
                return;
            }
            $this->consumeStreamFrame($frame);
            if ($this->streamStopped) {
                return; // the server stopped the stream; it may not answer the PING any more
            }
        }
        throw new ProtocolException('phprun: no PONG from the server after 64 frames');
    }

    private function consumeStreamFrame(Frame $frame): void
    {
        if (($frame->flags & Frame::CONTROL) !== 0) {
            throw new ProtocolException('phprun: control message received in the middle of a response stream: ' . \substr($frame->payload, 0, 200));
        }
        if (($frame->byte10 & Frame::STOP) !== 0) {
            $this->streamStopped = true;

            return;
        }
        if (($frame->byte10 & Frame::PONG) !== 0) {
            return;
        }
        throw new ProtocolException('phprun: data frame received in the middle of a response stream');
    }
}
