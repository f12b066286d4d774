<?php

declare(strict_types=1);

namespace Phprun\Relay;

use Phprun\Exception\RelayClosedException;
use Phprun\Exception\RelayException;
use Phprun\Frame;

/**
 * StreamRelay speaks frames over PHP stream resources: STDIN/STDOUT for pipes, one duplex
 * socket for tcp:// and unix://, php://memory in tests and benchmarks.
 *
 * Writes go straight to the stream resource with fwrite, so they bypass PHP's output buffer
 * (where the runtime redirects application output to stderr).
 */
final class StreamRelay implements RelayInterface
{
    /** Consecutive empty reads without EOF (EINTR, socket timeouts) tolerated before giving up. */
    private const MAX_EMPTY_READS = 1000;

    /** @var resource */
    private $in;

    /** @var resource */
    private $out;

    /** whether stream_select works on $in (not for php://memory or php://temp) */
    private bool $selectable;

    /** wait in stream_select (which signals interrupt) before reading a frame header */
    private bool $interruptible = false;

    /**
     * @param resource $in
     * @param resource $out
     */
    public function __construct($in, $out, private readonly string $name = 'stream')
    {
        if (!\is_resource($in) || !\is_resource($out)) {
            throw new RelayException('phprun: relay ' . $name . ': input and output must be open stream resources');
        }
        $this->in = $in;
        $this->out = $out;
        $type = \stream_get_meta_data($in)['stream_type'] ?? '';
        $this->selectable = $type !== 'MEMORY' && $type !== 'TEMP';
        if ($this->selectable) {
            // An idle worker waits for its next request indefinitely; socket streams would
            // otherwise time out after default_socket_timeout.
            @\stream_set_timeout($in, 86400 * 365);
        }
    }

    /**
     * setInterruptible makes an idle receive() wait in stream_select first. PHP's plain-file
     * read retries once after EINTR, so a signal (SIGTERM) would otherwise only be handled when
     * the next request arrives; select returns at once and lets the handler run.
     */
    public function setInterruptible(bool $on): void
    {
        $this->interruptible = $on && $this->selectable;
    }

    public function receive(): Frame
    {
        if ($this->interruptible) {
            $this->awaitReadable();
        }
        [$n, $flags, $len, $byte10] = Frame::parseHeader($this->read(Frame::HEADER_SIZE, true));
        $rest = $n * 4 + $len;

        return Frame::fromParts($flags, $byte10, $n, $rest === 0 ? '' : $this->read($rest, false));
    }

    public function send(string $bytes): void
    {
        $total = \strlen($bytes);
        $written = @\fwrite($this->out, $bytes);
        if ($written === $total) {
            return;
        }
        $done = 0;
        $stalls = 0;
        while (true) {
            if ($written === false) {
                throw new RelayException(\sprintf('phprun: relay %s closed while writing (%d of %d bytes sent): %s', $this->name, $done, $total, $this->lastError()));
            }
            $done += $written;
            if ($done >= $total) {
                return;
            }
            if ($written === 0 && ++$stalls > self::MAX_EMPTY_READS) {
                throw new RelayException(\sprintf('phprun: relay %s accepts no more bytes (%d of %d sent)', $this->name, $done, $total));
            }
            $written = @\fwrite($this->out, \substr($bytes, $done));
        }
    }

    public function hasPending(): bool
    {
        if (!$this->selectable) {
            return false;
        }
        $r = [$this->in];
        $w = $e = null;

        return (int) @\stream_select($r, $w, $e, 0, 0) > 0;
    }

    public function describe(): string
    {
        return $this->name;
    }

    private function awaitReadable(): void
    {
        // Bounded: each round ends in data, EOF (reported by the read that follows) or a signal.
        for ($i = 0; $i < self::MAX_EMPTY_READS; $i++) {
            $r = [$this->in];
            $w = $e = null;
            if ((int) @\stream_select($r, $w, $e, null) > 0) {
                return;
            }
        }
    }

    /**
     * read returns exactly $want bytes, looping over partial reads.
     */
    private function read(int $want, bool $atFrameStart): string
    {
        $buf = \fread($this->in, $want);
        if ($buf !== false && \strlen($buf) === $want) {
            return $buf;
        }
        $buf = (string) $buf;
        $empty = 0;
        while (\strlen($buf) < $want) {
            $chunk = @\fread($this->in, $want - \strlen($buf));
            if ($chunk !== false && $chunk !== '') {
                $buf .= $chunk;
                $empty = 0;
                continue;
            }
            if (\feof($this->in)) {
                if ($atFrameStart && $buf === '') {
                    throw new RelayClosedException('phprun: relay ' . $this->name . ' closed by the server (end of input)');
                }
                throw new RelayException(\sprintf(
                    'phprun: truncated frame on relay %s: expected %d %s bytes, got %d before end of input',
                    $this->name,
                    $want,
                    $atFrameStart ? 'header' : 'option/payload',
                    \strlen($buf),
                ));
            }
            if (!$this->selectable) {
                // An in-memory stream without EOF cannot grow while we wait.
                throw new RelayException(\sprintf('phprun: truncated frame on relay %s: expected %d bytes, got %d', $this->name, $want, \strlen($buf)));
            }
            $meta = \stream_get_meta_data($this->in);
            if (empty($meta['timed_out']) && ++$empty > self::MAX_EMPTY_READS) {
                throw new RelayException(\sprintf('phprun: relay %s returns no data and no end of input: %s', $this->name, $this->lastError()));
            }
        }

        return $buf;
    }

    private function lastError(): string
    {
        return \error_get_last()['message'] ?? 'unknown error';
    }
}
