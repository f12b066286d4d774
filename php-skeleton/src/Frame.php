<?php

declare(strict_types=1);

namespace Phprun;

use Phprun\Exception\ProtocolException;

/**
 * Frame is one goridge "v3" frame: a 12-byte header, up to 10 uint32 options, a payload.
 *
 * Encoding is static and allocation-light because it sits on the hot path of every request;
 * the layout and golden bytes are in PROTOCOL.md section 1.
 */
final class Frame
{
    /** Byte 1 flags (PROTOCOL.md 1.2). */
    public const CONTROL = 0x01;
    public const CODEC_RAW = 0x04;
    public const CODEC_JSON = 0x08;
    public const CODEC_MSGPACK = 0x10;
    public const CODEC_GOB = 0x20;
    public const ERROR = 0x40;
    public const CODEC_PROTO = 0x80;

    /** Byte 10 bits (PROTOCOL.md 1.3). */
    public const STREAM = 0x01;
    public const STOP = 0x02;
    public const PING = 0x04;
    public const PONG = 0x08;

    /** Header length in bytes without options. */
    public const HEADER_SIZE = 12;

    /** goridge-go panics beyond 10 options, so we refuse them on both sides. */
    public const MAX_OPTIONS = 10;

    /**
     * @param list<int> $options
     */
    public function __construct(
        public readonly int $flags,
        public readonly int $byte10,
        public readonly array $options,
        public readonly string $payload,
    ) {
    }

    public function hasFlag(int $flag): bool
    {
        return ($this->flags & $flag) === $flag;
    }

    /**
     * encode returns the wire bytes of a frame. The CRC covers bytes 0-5 and is computed after the
     * option count has been folded into byte 0, as the Go reader requires.
     *
     * @param list<int> $options
     */
    public static function encode(string $payload, int $flags = 0, array $options = [], int $byte10 = 0): string
    {
        $n = \count($options);
        if ($n > self::MAX_OPTIONS) {
            throw new ProtocolException(\sprintf('phprun: a frame carries at most %d options, got %d', self::MAX_OPTIONS, $n));
        }
        $head = \pack('CCV', 0x10 | (3 + $n), $flags & 0xFF, \strlen($payload));

        return $head . \pack('VCC', \crc32($head), $byte10 & 0xFF, 0)
            . ($n === 0 ? '' : \pack('V*', ...$options))
            . $payload;
    }

    /**
     * parseHeader validates a 12-byte header and returns [optionCount, flags, payloadLength, byte10].
     *
     * @return array{int, int, int, int}
     */
    public static function parseHeader(string $header): array
    {
        if (\strlen($header) !== self::HEADER_SIZE) {
            throw new ProtocolException(\sprintf('phprun: truncated frame header: expected 12 bytes, got %d', \strlen($header)));
        }
        $h = \unpack('Cb0/Cflags/Vlen/Vcrc/Cb10', $header);
        $hl = $h['b0'] & 0x0F;
        if (($h['b0'] >> 4) !== 1 || $hl < 3 || $hl > 3 + self::MAX_OPTIONS) {
            throw new ProtocolException(\sprintf(
                'phprun: garbled frame header (version/length byte 0x%02x, bytes %s): is something printing to the relay?',
                $h['b0'],
                \bin2hex($header),
            ));
        }
        if (\crc32(\substr($header, 0, 6)) !== $h['crc']) {
            throw new ProtocolException(\sprintf('phprun: frame header CRC mismatch (bytes %s)', \bin2hex($header)));
        }

        return [$hl - 3, $h['flags'], $h['len'], $h['b10']];
    }

    /**
     * decode parses one complete frame held in $bytes (used by tests and in-memory tools;
     * relays parse incrementally with parseHeader).
     */
    public static function decode(string $bytes): self
    {
        [$n, $flags, $len, $byte10] = self::parseHeader(\substr($bytes, 0, self::HEADER_SIZE));
        $want = self::HEADER_SIZE + $n * 4 + $len;
        if (\strlen($bytes) !== $want) {
            throw new ProtocolException(\sprintf('phprun: frame length mismatch: header announces %d bytes, got %d', $want, \strlen($bytes)));
        }

        return self::fromParts($flags, $byte10, $n, \substr($bytes, self::HEADER_SIZE));
    }

    /**
     * fromParts splits the bytes that follow the header into options and payload.
     */
    public static function fromParts(int $flags, int $byte10, int $optionCount, string $rest): self
    {
        if ($optionCount === 0) {
            return new self($flags, $byte10, [], $rest);
        }
        $options = \array_values(\unpack('V' . $optionCount, $rest));

        return new self($flags, $byte10, $options, \substr($rest, $optionCount * 4));
    }
}
