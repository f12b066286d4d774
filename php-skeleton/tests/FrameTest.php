<?php

declare(strict_types=1);

namespace Phprun\Tests;

use Phprun\Exception\ProtocolException;
use Phprun\Frame;
use PHPUnit\Framework\TestCase;

/**
 * FrameTest checks encoding and decoding against the golden bytes of PROTOCOL.md 1.7.
 */
final class FrameTest extends TestCase
{
    /**
     * @return iterable<string, array{string, string, int, list<int>, int}>
     */
    public static function golden(): iterable
    {
        yield 'pid request' => ['13 09 0d 00 00 00 3a 6b fa cb 00 00 7b 22 70 69 64 22 3a 31 32 33 34 35 7d', '{"pid":12345}', 0x09, [], 0];
        yield 'pid reply' => ['13 01 0c 00 00 00 9e 47 36 43 00 00 7b 22 70 69 64 22 3a 34 32 34 32 7d', '{"pid":4242}', 0x01, [], 0];
        yield 'pong' => ['13 00 00 00 00 00 96 d1 80 34 08 00', '', 0, [], 0x08];
        yield 'stream stop' => ['13 00 00 00 00 00 96 d1 80 34 02 00', '', 0, [], 0x02];
        yield 'error boom' => ['13 40 04 00 00 00 88 1e 11 e3 00 00 62 6f 6f 6d', 'boom', 0x40, [], 0];
    }

    /**
     * @dataProvider golden
     * @param list<int> $options
     */
    public function testEncodeMatchesGoldenBytes(string $hex, string $payload, int $flags, array $options, int $byte10): void
    {
        self::assertSame(self::hex($hex), Frame::encode($payload, $flags, $options, $byte10));
    }

    /**
     * @dataProvider golden
     * @param list<int> $options
     */
    public function testDecodeGoldenBytes(string $hex, string $payload, int $flags, array $options, int $byte10): void
    {
        $f = Frame::decode(self::hex($hex));
        self::assertSame($payload, $f->payload);
        self::assertSame($flags, $f->flags);
        self::assertSame($options, $f->options);
        self::assertSame($byte10, $f->byte10);
    }

    public function testHttpReplyPrefixMatchesGolden(): void
    {
        $ctx = '{"status":200,"headers":{}}';
        self::assertSame(27, strlen($ctx));
        $bytes = Frame::encode($ctx . 'Hello', Frame::CODEC_JSON, [27]);
        self::assertSame(self::hex('14 08 20 00 00 00 d1 05 c7 b9 00 00 1b 00 00 00 7b 22 73 74'), substr($bytes, 0, 20));
        self::assertSame($ctx . 'Hello', substr($bytes, 16));
    }

    public function testRpcRequestPrefixMatchesGolden(): void
    {
        $bytes = Frame::encode('informer.Workers"http"', Frame::CODEC_JSON, [1, 16]);
        self::assertSame(self::hex('15 08 16 00 00 00 09 71 db a7 00 00 01 00 00 00 10 00 00 00 69 6e 66 6f'), substr($bytes, 0, 24));
        $f = Frame::decode($bytes);
        self::assertSame([1, 16], $f->options);
    }

    public function testRoundTripWithManyOptions(): void
    {
        $opts = [0, 1, 0xFFFFFFFF, 7, 8, 9, 10, 11, 12, 13];
        $f = Frame::decode(Frame::encode("\x00binary\xff", Frame::CODEC_RAW, $opts, Frame::STREAM | Frame::PING));
        self::assertSame($opts, $f->options);
        self::assertSame("\x00binary\xff", $f->payload);
        self::assertSame(Frame::STREAM | Frame::PING, $f->byte10);
        self::assertTrue($f->hasFlag(Frame::CODEC_RAW));
    }

    public function testTooManyOptionsRejected(): void
    {
        $this->expectException(ProtocolException::class);
        Frame::encode('', 0, array_fill(0, 11, 1));
    }

    /**
     * @return iterable<string, array{string, string}>
     */
    public static function bad(): iterable
    {
        $good = self::hex('13 40 04 00 00 00 88 1e 11 e3 00 00 62 6f 6f 6d');
        yield 'truncated header' => [substr($good, 0, 7), 'truncated frame header'];
        yield 'truncated payload' => [substr($good, 0, 14), 'length mismatch'];
        yield 'crc mismatch' => [substr_replace($good, "\x05", 2, 1), 'CRC mismatch'];
        yield 'HL below 3' => [self::withByte0($good, 0x12), 'garbled'];
        yield 'HL above 13' => [self::withByte0($good, 0x1e), 'garbled'];
        yield 'version 2' => [self::withByte0($good, 0x23), 'garbled'];
        yield 'stray text' => ['Hello World!', 'garbled'];
    }

    /**
     * @dataProvider bad
     */
    public function testBadBytesAreRejected(string $bytes, string $message): void
    {
        $this->expectException(ProtocolException::class);
        $this->expectExceptionMessage($message);
        Frame::decode($bytes);
    }

    /** withByte0 rewrites byte 0 and fixes the CRC, so only the HL/version check can fail. */
    private static function withByte0(string $frame, int $b0): string
    {
        $head = chr($b0) . substr($frame, 1, 5);

        return $head . pack('V', crc32($head)) . substr($frame, 10);
    }

    private static function hex(string $spaced): string
    {
        return (string) hex2bin(str_replace(' ', '', $spaced));
    }
}
