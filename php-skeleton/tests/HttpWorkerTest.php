<?php

declare(strict_types=1);

namespace Phprun\Tests;

use Phprun\Exception\StreamStoppedException;
use Phprun\Frame;
use Phprun\Http\Worker as HttpWorker;
use Phprun\Tests\Support\Memory;
use Phprun\Worker;
use PHPUnit\Framework\TestCase;

/**
 * HttpWorkerTest checks request decoding and the response frames of the HTTP worker.
 */
final class HttpWorkerTest extends TestCase
{
    public function testRequestResponseCycle(): void
    {
        $m = new Memory(
            Memory::control('{"pid":1}'),
            Memory::request(Memory::httpContext(['method' => 'POST', 'uri' => 'http://h/x?a=1', 'rawQuery' => 'a=1']), 'payload'),
            Memory::control('{"stop":true}'),
        );
        $w = new HttpWorker(new Worker($m->relay, false));
        $req = $w->waitRequest();
        self::assertSame('POST', $req?->method);
        self::assertSame('/x', $req->path);
        self::assertSame('payload', $req->body);
        $w->respond(201, 'made', ['Content-Type' => 'text/plain', 'Set-Cookie' => ['a=1', 'b=2']]);
        self::assertNull($w->waitRequest());
        [, $reply] = $m->frames();
        self::assertSame(Frame::CODEC_JSON, $reply->flags);
        $ctx = substr($reply->payload, 0, $reply->options[0]);
        self::assertSame('{"status":201,"headers":{"Content-Type":["text/plain"],"Set-Cookie":["a=1","b=2"]}}', $ctx);
        self::assertSame('made', substr($reply->payload, $reply->options[0]));
    }

    public function testEmptyHeadersEncodeAsObject(): void
    {
        self::assertSame('{"status":204,"headers":{}}', HttpWorker::context(204, []));
        self::assertSame(['status' => 200, 'headers' => ['X-N' => ['1', '2']]], json_decode(HttpWorker::context(200, ['X-N' => [1, 2]]), true));
    }

    public function testEmptyJobEndsLoop(): void
    {
        $m = new Memory(Memory::request('', ''));
        self::assertNull((new HttpWorker(new Worker($m->relay, false)))->waitRequest());
    }

    public function testUndecodableContextGetsSoftErrorAndIsSkipped(): void
    {
        $m = new Memory(Memory::request('{bad', ''), Memory::request(Memory::httpContext(), ''));
        $w = new HttpWorker(new Worker($m->relay, false));
        self::assertNotNull($w->waitRequest());
        $f = $m->frames()[0];
        self::assertSame(Frame::ERROR, $f->flags);
        self::assertStringContainsString('request context', $f->payload);
    }

    public function testGeneratorBodyStreams(): void
    {
        $m = new Memory();
        $w = new HttpWorker(new Worker($m->relay, false));
        $w->respond(200, (static function () {
            yield 'a';
            yield '';
            yield 'b';

            return 'end';
        })(), ['X' => 'y']);
        $frames = $m->frames();
        self::assertCount(3, $frames);
        self::assertSame(Frame::STREAM, $frames[0]->byte10);
        self::assertSame('{"status":200,"headers":{"X":["y"]}}a', $frames[0]->payload);
        self::assertSame([0], $frames[1]->options);
        self::assertSame('b', $frames[1]->payload);
        self::assertSame(Frame::STREAM, $frames[1]->byte10);
        self::assertSame('end', $frames[2]->payload);
        self::assertSame(0, $frames[2]->byte10);
    }

    public function testEmptyGeneratorStillSendsContext(): void
    {
        $m = new Memory();
        (new HttpWorker(new Worker($m->relay, false)))->respond(404, (static function () {
            yield from [];
        })());
        $frames = $m->frames();
        self::assertCount(1, $frames);
        self::assertSame('{"status":404,"headers":{}}', $frames[0]->payload);
        self::assertSame(0, $frames[0]->byte10);
    }

    public function testEarlyHints(): void
    {
        $m = new Memory();
        $w = new HttpWorker(new Worker($m->relay, false));
        $w->respond(103, '', ['Link' => ['</a.css>; rel=preload']], false);
        $w->respond(200, 'page');
        [$hints, $final] = $m->frames();
        self::assertSame(Frame::STREAM, $hints->byte10);
        self::assertSame('{"status":103,"headers":{"Link":["</a.css>; rel=preload"]}}', $hints->payload);
        self::assertSame(0, $final->byte10);
        self::assertSame('{"status":200,"headers":{}}page', $final->payload);
    }

    public function testInformationalBodyRejected(): void
    {
        $w = new HttpWorker(new Worker((new Memory())->relay, false));
        $this->expectException(\InvalidArgumentException::class);
        $w->respond(103, 'x', [], false);
    }

    public function testServerStopIsThrownIntoGeneratorAndStreamTerminated(): void
    {
        // The STOP arrives while the worker waits for the PONG of the 6th frame.
        $m = new Memory(Frame::encode('', 0, [], Frame::STOP));
        $w = new HttpWorker(new Worker($m->relay, false));
        $seen = null;
        $w->respond(200, (static function () use (&$seen) {
            try {
                for ($i = 0; $i < 100; $i++) {
                    yield "c$i";
                }
            } catch (StreamStoppedException $e) {
                $seen = $i;
            }
        })());
        self::assertSame(6, $seen);
        $frames = $m->frames();
        self::assertCount(7, $frames);
        self::assertSame(Frame::STREAM | Frame::PING, $frames[5]->byte10);
        self::assertSame(0, $frames[6]->byte10);
        self::assertSame([0], $frames[6]->options);
        self::assertSame('', $frames[6]->payload);
    }

    public function testThrowingGeneratorTerminatesStreamAndRethrows(): void
    {
        $m = new Memory();
        $w = new HttpWorker(new Worker($m->relay, false));
        try {
            $w->respond(200, (static function () {
                yield 'a';
                throw new \LogicException('app failed');
            })());
            self::fail('no exception');
        } catch (\LogicException $e) {
            self::assertSame('app failed', $e->getMessage());
        }
        $frames = $m->frames();
        self::assertCount(2, $frames);
        self::assertSame(0, $frames[1]->byte10);
        self::assertSame('', $frames[1]->payload);
        // the worker is usable again
        $w->respond(200, 'next');
        self::assertSame(0, $m->frames()[2]->byte10);
    }
}
