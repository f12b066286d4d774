<?php

declare(strict_types=1);

namespace Phprun\Tests;

use Phprun\Exception\KvException;
use Phprun\Kv\Proto;
use PHPUnit\Framework\TestCase;

/**
 * KvProtoTest pins the hand-written kv.v1 codec to the bytes RoadRunner's official client sent
 * and received (PROTOCOL-PLUGINS.md 5.3).
 */
final class KvProtoTest extends TestCase
{
    public function testRequestMatchesCapturedBytes(): void
    {
        self::assertSame('0a02737412040a026b31', bin2hex(Proto::request('st', [['k1', null, null]])));
        self::assertSame('0a027374', bin2hex(Proto::request('st', [])));
        self::assertSame('0a02737412030a016112030a0162', bin2hex(Proto::request('st', [['a', null, null], ['b', null, null]])));
        self::assertSame(
            '0a02737412260a026b321205693a34323b1a19323032362d31322d30375430353a34303a33392b30303a3030',
            bin2hex(Proto::request('st', [['k2', 'i:42;', '2026-12-07T05:40:39+00:00']]))
        );
    }

    public function testResponseDecodesCapturedBytes(): void
    {
        $reply = hex2bin('0a0d0a0161120873' . '3a313a2278223b' . '0a0d0a0162120873' . '3a313a2279223b');
        self::assertSame([['a', 's:1:"x";', ''], ['b', 's:1:"y";', '']], Proto::response($reply));
        self::assertSame([], Proto::response(''));
        $ttl = hex2bin('0a1f0a026b321a19') . '2026-12-07T05:40:39+00:00';
        self::assertSame([['k2', '', '2026-12-07T05:40:39+00:00']], Proto::response($ttl));
    }

    public function testLongValueUsesMultiByteLength(): void
    {
        $v = str_repeat('x', 300);
        $items = Proto::response(Proto::request('', [['k', $v, null]]));
        // a Request's items are field 2, a Response's field 1: re-tag to decode it as a reply
        self::assertSame([], $items);
        $reply = "\x0a" . substr(Proto::request('', [['k', $v, null]]), 1);
        self::assertSame([['k', $v, '']], Proto::response($reply));
    }

    public function testTruncatedReplyFails(): void
    {
        $this->expectException(KvException::class);
        Proto::response("\x0a\x10\x0a\x01");
    }
}
