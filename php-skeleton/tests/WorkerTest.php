<?php

declare(strict_types=1);

namespace Phprun\Tests;

use Phprun\Exception\ProtocolException;
use Phprun\Exception\RelayException;
use Phprun\Frame;
use Phprun\Payload;
use Phprun\Tests\Support\Memory;
use Phprun\Worker;
use PHPUnit\Framework\TestCase;

/**
 * WorkerTest drives the protocol loop in-process over php://memory relays.
 */
final class WorkerTest extends TestCase
{
    public function testPidHandshakeThenPayloadThenStop(): void
    {
        $m = new Memory(
            Memory::control('{"pid":12345}'),
            Memory::request('{"a":1}', 'body'),
            Memory::control('{"stop":true}'),
        );
        $w = new Worker($m->relay, false);
        $p = $w->waitPayload();
        self::assertNotNull($p);
        self::assertSame('{"a":1}', $p->header);
        self::assertSame('body', $p->body);
        self::assertSame(Frame::CODEC_JSON, $p->flags);
        self::assertSame(Frame::encode('{"pid":' . getmypid() . '}', Frame::CONTROL), $m->written());
        self::assertNull($w->waitPayload());
    }

    public function testPidReplyBytesMatchProtocolShape(): void
    {
        $m = new Memory(Memory::control('{"pid":1}'), Memory::control('{"stop":true}'));
        self::assertNull((new Worker($m->relay, false))->waitPayload());
        $f = Frame::decode($m->written());
        self::assertSame(Frame::CONTROL, $f->flags);
        self::assertSame([], $f->options);
        self::assertSame(['pid' => getmypid()], json_decode($f->payload, true));
    }

    public function testStrayPongAndStopAreSkipped(): void
    {
        $m = new Memory(Frame::encode('', 0, [], Frame::PONG), Frame::encode('', 0, [], Frame::STOP), Memory::request('', 'x'));
        $p = (new Worker($m->relay, false))->waitPayload();
        self::assertSame('x', $p?->body);
        self::assertSame('', $m->written());
    }

    public function testRespondErrorStopBytes(): void
    {
        $m = new Memory();
        $w = new Worker($m->relay, false);
        $w->respond(new Payload('Hello', '{"status":200,"headers":{}}'));
        $w->error('boom');
        $w->stop();
        [$reply, $error, $stop] = $m->frames();
        self::assertSame([27], $reply->options);
        self::assertSame('{"status":200,"headers":{}}Hello', $reply->payload);
        self::assertSame(0, $reply->byte10);
        self::assertSame(hex2bin('134004000000881e11e300006' . '26f6f6d'), Frame::encode('boom', Frame::ERROR));
        self::assertSame(Frame::ERROR, $error->flags);
        self::assertSame([], $error->options);
        self::assertSame('boom', $error->payload);
        self::assertSame(0, $stop->flags);
        self::assertSame([13], $stop->options);
        self::assertSame('{"stop":true}', $stop->payload);
    }

    public function testStreamPingsEveryFifthFrameAndWaitsForPong(): void
    {
        $m = new Memory(Frame::encode('', 0, [], Frame::PONG));
        $w = new Worker($m->relay, false);
        for ($i = 0; $i < 7; $i++) {
            $w->respond(new Payload("c$i"), 0, false);
        }
        $w->respond(new Payload('end'));
        $frames = $m->frames();
        self::assertCount(8, $frames);
        foreach ($frames as $i => $f) {
            $want = $i === 7 ? 0 : Frame::STREAM;
            if ($i === 5) {
                $want |= Frame::PING;
            }
            self::assertSame($want, $f->byte10, "frame $i");
        }
        // the PONG was consumed by the PING wait
        self::assertSame('', stream_get_contents($m->in));
    }

    public function testStopDuringPingWaitMarksStreamStopped(): void
    {
        $m = new Memory(Frame::encode('', 0, [], Frame::STOP));
        $w = new Worker($m->relay, false);
        for ($i = 0; $i < 6; $i++) {
            $w->respond(new Payload("c$i"), 0, false);
        }
        self::assertTrue($w->streamStopped());
        $w->endStream();
        $last = $m->frames()[6];
        self::assertSame([0], $last->options);
        self::assertSame('', $last->payload);
        self::assertSame(0, $last->byte10);
        // the next stream starts unstopped
        $w->respond(new Payload('again'), 0, false);
        self::assertFalse($w->streamStopped());
    }

    public function testWaitPayloadRefusedWhileStreamOpen(): void
    {
        $m = new Memory(Memory::request('', 'x'));
        $w = new Worker($m->relay, false);
        $w->respond(new Payload('chunk'), 0, false);
        $this->expectException(ProtocolException::class);
        $w->waitPayload();
    }

    /**
     * @return iterable<string, array{string, class-string<\Throwable>, string}>
     */
    public static function badInput(): iterable
    {
        yield 'unknown control' => [Memory::control('{"fork":true}'), ProtocolException::class, 'unknown control message'];
        yield 'control not json' => [Memory::control('nope'), ProtocolException::class, 'not a JSON object'];
        yield 'truncated frame' => [substr(Memory::request('{}', 'hello'), 0, 17), RelayException::class, 'truncated frame'];
        yield 'truncated header' => [substr(Memory::request('{}', 'hello'), 0, 5), RelayException::class, 'truncated frame'];
        yield 'garbled' => ['Could not open input file: x.php', ProtocolException::class, 'garbled'];
        yield 'closed' => ['', RelayException::class, 'closed by the server'];
        yield 'no option' => [Frame::encode('x', Frame::CODEC_JSON), ProtocolException::class, 'exactly 1 option'];
        yield 'bad context length' => [Frame::encode('x', Frame::CODEC_JSON, [9]), ProtocolException::class, 'exceeds payload'];
    }

    /**
     * @dataProvider badInput
     * @param class-string<\Throwable> $class
     */
    public function testBadInputFailsClearly(string $bytes, string $class, string $message): void
    {
        $m = new Memory($bytes);
        $this->expectException($class);
        $this->expectExceptionMessage($message);
        (new Worker($m->relay, false))->waitPayload();
    }
}
