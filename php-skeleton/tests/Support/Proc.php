<?php

declare(strict_types=1);

namespace Phprun\Tests\Support;

use Phprun\Frame;

/**
 * Proc runs a real worker script with php-cli over pipes and plays the server's part.
 * Every read is bounded by a deadline, so a misbehaving worker fails the test instead of
 * hanging it; the process is always killed in close().
 */
final class Proc
{
    /** @var resource */
    private $proc;

    /** @var array<int, resource> */
    private array $pipes;

    private string $stdoutBuf = '';

    private string $stderr = '';

    /**
     * @param array<string, string> $env extra environment (RR_RELAY defaults to pipes)
     * @param list<string> $phpArgs
     */
    public function __construct(string $script, array $env = [], array $phpArgs = [], ?string $cwd = null)
    {
        $cmd = array_merge([PHP_BINARY], $phpArgs, [$script]);
        $fullEnv = $env + ['RR_RELAY' => 'pipes', 'RR_MODE' => 'http', 'PATH' => (string) getenv('PATH')];
        $proc = proc_open($cmd, [0 => ['pipe', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes, $cwd ?? sys_get_temp_dir(), $fullEnv);
        if (!is_resource($proc)) {
            throw new \RuntimeException('cannot start ' . $script);
        }
        $this->proc = $proc;
        $this->pipes = $pipes;
        stream_set_blocking($pipes[1], false);
        stream_set_blocking($pipes[2], false);
    }

    public function send(string $bytes): void
    {
        fwrite($this->pipes[0], $bytes);
    }

    public function closeStdin(): void
    {
        if (is_resource($this->pipes[0])) {
            fclose($this->pipes[0]);
        }
    }

    /** closeStdout closes our read end of the worker's stdout, so its next write fails (EPIPE). */
    public function closeStdout(): void
    {
        $this->drain();
        if (is_resource($this->pipes[1])) {
            fclose($this->pipes[1]);
        }
    }

    /** handshake sends the PID request and returns the PID the worker reports. */
    public function handshake(): int
    {
        $this->send(Frame::encode('{"pid":' . getmypid() . '}', Frame::CONTROL | Frame::CODEC_JSON));
        $f = $this->frame();
        if (($f->flags & Frame::CONTROL) === 0) {
            throw new \RuntimeException('pid reply without CONTROL flag');
        }

        return (int) (json_decode($f->payload, true)['pid'] ?? 0);
    }

    /** frame reads the next frame from the worker's stdout. */
    public function frame(float $timeout = 5.0): Frame
    {
        $head = $this->readStdout(12, $timeout);
        [$n, , $len] = Frame::parseHeader($head);

        return Frame::decode($head . $this->readStdout($n * 4 + $len, $timeout));
    }

    /**
     * http sends one HTTP request and returns [status, headers, body] of the reply
     * (streams are concatenated; status and headers from the first non-1xx context).
     *
     * @param array<string, mixed> $ctx
     * @return array{int, array<string, list<string>>, string, list<Frame>}
     */
    public function http(array $ctx, string $body = '', float $timeout = 5.0): array
    {
        $this->send(Memory::request(Memory::httpContext($ctx), $body));
        $status = 0;
        $headers = [];
        $out = '';
        $frames = [];
        for ($i = 0; $i < 100000; $i++) {
            $f = $this->frame($timeout);
            $frames[] = $f;
            if (($f->flags & Frame::ERROR) !== 0) {
                return [-1, [], $f->payload, $frames];
            }
            $c = substr($f->payload, 0, $f->options[0]);
            if ($c !== '') {
                $d = json_decode($c, true);
                if ($status === 0 || $status < 200) {
                    $status = $d['status'];
                    $headers = $d['headers'];
                }
            }
            $out .= substr($f->payload, $f->options[0]);
            if (($f->byte10 & Frame::PING) !== 0) {
                $this->send(Frame::encode('', 0, [], Frame::PONG));
            }
            if (($f->byte10 & Frame::STREAM) === 0) {
                break;
            }
        }

        return [$status, $headers, $out, $frames];
    }

    /** stop sends {"stop":true} and returns the exit code. */
    public function stop(float $timeout = 5.0): int
    {
        $this->send(Frame::encode('{"stop":true}', Frame::CONTROL | Frame::CODEC_JSON));

        return $this->wait($timeout);
    }

    /** wait returns the exit code, killing the process when it does not exit in time. */
    public function wait(float $timeout = 5.0): int
    {
        $deadline = microtime(true) + $timeout;
        while (microtime(true) < $deadline) {
            $this->drain();
            $st = proc_get_status($this->proc);
            if (!$st['running']) {
                $this->drain();

                return $st['exitcode'];
            }
            usleep(5000);
        }
        proc_terminate($this->proc, 9);
        throw new \RuntimeException("worker did not exit within {$timeout}s; stderr:\n" . $this->stderr);
    }

    public function signal(int $sig): void
    {
        proc_terminate($this->proc, $sig);
    }

    public function stderr(): string
    {
        $this->drain();

        return $this->stderr;
    }

    /** stdoutRest returns stdout bytes received but not consumed as frames. */
    public function stdoutRest(): string
    {
        $this->drain();

        return $this->stdoutBuf;
    }

    public function close(): void
    {
        if (is_resource($this->proc)) {
            $st = proc_get_status($this->proc);
            if ($st['running']) {
                proc_terminate($this->proc, 9);
            }
            foreach ($this->pipes as $p) {
                if (is_resource($p)) {
                    fclose($p);
                }
            }
            proc_close($this->proc);
        }
    }

    public function __destruct()
    {
        $this->close();
    }

    private function readStdout(int $n, float $timeout): string
    {
        $deadline = microtime(true) + $timeout;
        while (strlen($this->stdoutBuf) < $n) {
            $left = $deadline - microtime(true);
            if ($left <= 0) {
                throw new \RuntimeException("timeout waiting for $n stdout bytes; have " . strlen($this->stdoutBuf) . "; stderr:\n" . $this->stderr);
            }
            $r = [$this->pipes[1], $this->pipes[2]];
            $w = $e = null;
            if (@stream_select($r, $w, $e, 0, (int) min(200000, $left * 1e6)) === false) {
                continue;
            }
            $before = strlen($this->stdoutBuf);
            $this->drain();
            if (strlen($this->stdoutBuf) === $before && feof($this->pipes[1])) {
                throw new \RuntimeException("worker closed stdout; stderr:\n" . $this->stderr);
            }
        }
        $out = substr($this->stdoutBuf, 0, $n);
        $this->stdoutBuf = (string) substr($this->stdoutBuf, $n);

        return $out;
    }

    private function drain(): void
    {
        foreach ([1, 2] as $i) {
            if (!isset($this->pipes[$i]) || !is_resource($this->pipes[$i])) {
                continue;
            }
            for ($k = 0; $k < 1000; $k++) {
                $chunk = fread($this->pipes[$i], 65536);
                if ($chunk === false || $chunk === '') {
                    break;
                }
                if ($i === 1) {
                    $this->stdoutBuf .= $chunk;
                } else {
                    $this->stderr .= $chunk;
                }
            }
        }
    }
}
