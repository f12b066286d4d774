<?php

declare(strict_types=1);

namespace Phprun\Tests;

use Phprun\Frame;
use Phprun\Jobs\Consumer;
use Phprun\Rpc\Protobuf as Proto;
use Phprun\Tests\Support\Memory;
use Phprun\Worker;
use PHPUnit\Framework\TestCase;

/**
 * JobsTest checks the jobs consumer's replies and the client's protobuf against the bytes
 * captured from RoadRunner and its official PHP client (PROTOCOL-PLUGINS.md 2.4 and 3.3).
 */
final class JobsTest extends TestCase
{
    private const CONTEXT = '{"id":"f4655f59-991c-4804-bbe6-e28ecbc71497","job":"mail","driver":"memory","headers":{"h1":["v1"],"x-mode":["ack"]},"pipeline":"p1"}';

    /** @return list<Frame> the frames the consumer wrote after answering one task with $answer */
    private function answer(callable $answer): array
    {
        $m = new Memory(Frame::encode(self::CONTEXT . '{"to":"a"}', Frame::CODEC_RAW, [\strlen(self::CONTEXT)]));
        $task = (new Consumer(new Worker($m->relay, false)))->waitTask();
        self::assertNotNull($task);
        self::assertSame('f4655f59-991c-4804-bbe6-e28ecbc71497', $task->id);
        self::assertSame('mail', $task->name);
        self::assertSame('p1', $task->pipeline);
        self::assertSame('memory', $task->driver);
        self::assertSame('unknown', $task->queue);
        self::assertSame('{"to":"a"}', $task->payload);
        self::assertSame(['v1'], $task->headers()['h1']);
        $answer($task);

        return $m->frames();
    }

    public function testRepliesMatchRoadRunnersClient(): void
    {
        $cases = [
            '{"type":2,"data":{}}' => static fn ($t) => $t->ack(),
            '{"type":0,"data":[]}' => static fn ($t) => $t->complete(),
            '{"type":3,"data":{"message":"nack","requeue":false,"delay_seconds":0}}' => static fn ($t) => $t->nack('nack'),
        ];
        foreach ($cases as $want => $answer) {
            $frames = $this->answer($answer);
            self::assertCount(1, $frames);
            self::assertSame($want, $frames[0]->payload);
            self::assertSame([0], $frames[0]->options);
            self::assertSame(0, $frames[0]->flags);
        }
    }

    public function testRequeueSendsHeadersBack(): void
    {
        $frames = $this->answer(static fn ($t) => $t->withHeader('attempts', '1')->requeue('again', 5));
        $reply = \json_decode($frames[0]->payload, true);
        self::assertSame(4, $reply['type']);
        self::assertSame(5, $reply['data']['delay_seconds']);
        self::assertSame(['1'], $reply['data']['headers']['attempts']);
        self::assertSame(['v1'], $reply['data']['headers']['h1']);
    }

    public function testSecondAnswerIsRefused(): void
    {
        $this->expectException(\LogicException::class);
        $this->answer(static function ($t): void {
            $t->ack();
            $t->ack();
        });
    }

    /** The client's Push body is the official client's, byte for byte. */
    public function testPushBodyMatchesCapture(): void
    {
        $job = (new \ReflectionClass(\Phprun\Jobs\Jobs::class))->getMethod('job');
        $body = Proto::bytes(1, $job->invoke(null, 'p1', 'mail', '{"to":"a"}', 0, 0, false,
            ['x-mode' => 'ack', 'h1' => 'v1'], 'f4655f59-991c-4804-bbe6-e28ecbc71497'));
        $want = '0a5b0a046d61696c122466343635356635392d393931632d343830342d626265362d6532386563626337313439371a0a7b22746f223a2261227d220f0a06782d6d6f646512050a0361636b220a0a02683112040a0276312a04120270 31';
        self::assertSame(\str_replace(' ', '', $want), \bin2hex($body));
        // priority 3, delay 5, auto_ack: the option bytes of the capture
        $opts = \bin2hex($job->invoke(null, 'p2', 'slow', 'x', 3, 5, true, [], 'f4655f59-991c-4804-bbe6-e28ecbc71497'));
        self::assertStringEndsWith('2a0a0803120270321805' . '3001', $opts);
    }

    public function testProtoRoundTrip(): void
    {
        $buf = Proto::bytes(1, 'p1') . Proto::int(4, 300) . Proto::bool(7, true) . Proto::int(5, -1);
        self::assertSame([[1, 2, 'p1'], [4, 0, 300], [7, 0, 1], [5, 0, -1]], Proto::fields($buf));
    }
}
