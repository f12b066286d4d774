<?php

declare(strict_types=1);

namespace Phprun\Tests\Support;

use Phprun\Frame;
use Phprun\Relay\StreamRelay;

/**
 * Memory is an in-process relay for tests: frames queued into an input php://memory stream,
 * and everything the worker writes collected from an output stream.
 */
final class Memory
{
    /** @var resource */
    public $in;

    /** @var resource */
    public $out;

    public StreamRelay $relay;

    public function __construct(string ...$frames)
    {
        $this->in = fopen('php://memory', 'w+b');
        $this->out = fopen('php://memory', 'w+b');
        fwrite($this->in, implode('', $frames));
        rewind($this->in);
        $this->relay = new StreamRelay($this->in, $this->out, 'memory');
    }

    /** written returns every byte the worker wrote so far. */
    public function written(): string
    {
        return (string) stream_get_contents($this->out, -1, 0);
    }

    /**
     * frames decodes everything the worker wrote into frames.
     *
     * @return list<Frame>
     */
    public function frames(): array
    {
        return self::split($this->written());
    }

    /** @return list<Frame> */
    public static function split(string $bytes): array
    {
        $frames = [];
        $off = 0;
        while ($off < strlen($bytes)) {
            [$n, , $len] = Frame::parseHeader(substr($bytes, $off, 12));
            $size = 12 + 4 * $n + $len;
            $frames[] = Frame::decode(substr($bytes, $off, $size));
            $off += $size;
        }

        return $frames;
    }

    /** request encodes a data frame as the Go server sends it (flags JSON, one option). */
    public static function request(string $context, string $body = ''): string
    {
        return Frame::encode($context . $body, Frame::CODEC_JSON, [strlen($context)]);
    }

    /** control encodes a server control frame (flags CONTROL|JSON). */
    public static function control(string $json): string
    {
        return Frame::encode($json, Frame::CONTROL | Frame::CODEC_JSON);
    }

    /**
     * httpContext builds a PROTOCOL.md 3.2 context with sensible defaults.
     *
     * @param array<string, mixed> $over
     */
    public static function httpContext(array $over = []): string
    {
        return json_encode($over + [
            'remoteAddr' => '127.0.0.1',
            'protocol' => 'HTTP/1.1',
            'method' => 'GET',
            'uri' => 'http://localhost:8080/',
            'headers' => new \stdClass(),
            'cookies' => new \stdClass(),
            'rawQuery' => '',
            'parsed' => false,
            'uploads' => null,
            'attributes' => new \stdClass(),
        ], JSON_UNESCAPED_SLASHES | JSON_THROW_ON_ERROR);
    }
}
