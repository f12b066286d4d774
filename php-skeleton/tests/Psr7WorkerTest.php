<?php

declare(strict_types=1);

namespace Phprun\Tests;

use Phprun\Frame;
use Phprun\Http\Psr7Worker;
use Phprun\Http\Worker as HttpWorker;
use Phprun\Tests\Support\Memory;
use Phprun\Worker;
use PHPUnit\Framework\TestCase;
use Psr\Http\Message\UploadedFileInterface;

/**
 * Psr7WorkerTest maps requests onto nyholm/psr7 (Debian's php-nyholm-psr7) and back.
 */
final class Psr7WorkerTest extends TestCase
{
    private Memory $m;

    private Psr7Worker $w;

    private object $factory;

    protected function setUp(): void
    {
        try {
            $this->factory = Psr7Worker::nyholmFactory();
        } catch (\RuntimeException $e) {
            self::markTestSkipped($e->getMessage());
        }
    }

    private function worker(string ...$frames): Psr7Worker
    {
        $this->m = new Memory(...$frames);

        return $this->w = new Psr7Worker(new HttpWorker(new Worker($this->m->relay, false)), $this->factory, $this->factory, $this->factory);
    }

    public function testRequestMapping(): void
    {
        $tmp = tempnam(sys_get_temp_dir(), 'phprun-psr');
        file_put_contents($tmp, 'data');
        $w = $this->worker(Memory::request(Memory::httpContext([
            'method' => 'PATCH',
            'protocol' => 'HTTP/1.0',
            'uri' => 'http://example.test:81/x?a[b]=c',
            'rawQuery' => 'a[b]=c',
            'headers' => ['Accept' => ['a', 'b'], 'Bad Name' => ['dropped']],
            'cookies' => ['k' => 'v'],
            'parsed' => true,
            'attributes' => ['route' => 'x'],
            'uploads' => ['files' => [['name' => 'd.txt', 'mime' => 'text/plain', 'size' => 4, 'error' => 0, 'tmpName' => $tmp]]],
        ]), '{"f":"1"}'), Memory::control('{"stop":true}'));
        $r = $w->waitRequest();
        self::assertNotNull($r);
        self::assertSame('PATCH', $r->getMethod());
        self::assertSame('1.0', $r->getProtocolVersion());
        self::assertSame('example.test:81', $r->getHeaderLine('Host'));
        self::assertSame('a, b', $r->getHeaderLine('accept'));
        self::assertFalse($r->hasHeader('Bad Name'));
        self::assertSame(['a' => ['b' => 'c']], $r->getQueryParams());
        self::assertSame(['k' => 'v'], $r->getCookieParams());
        self::assertSame(['f' => '1'], $r->getParsedBody());
        self::assertSame('{"f":"1"}', (string) $r->getBody());
        self::assertSame('x', $r->getAttribute('route'));
        self::assertTrue($r->getAttribute('rr_parsed_body'));
        $file = $r->getUploadedFiles()['files'][0];
        self::assertInstanceOf(UploadedFileInterface::class, $file);
        self::assertSame('d.txt', $file->getClientFilename());
        self::assertSame('data', (string) $file->getStream());
        $server = $r->getServerParams();
        self::assertSame('PATCH', $server['REQUEST_METHOD']);
        self::assertSame('example.test:81', $server['HTTP_HOST']);
        self::assertArrayHasKey('SCRIPT_NAME', $server, 'start-up $_SERVER is the base');
        self::assertNull($w->waitRequest());
        unlink($tmp);
    }

    public function testRespond(): void
    {
        $w = $this->worker();
        $w->respond($this->factory->createResponse(418)->withHeader('X-A', ['1', '2'])->withBody($this->factory->createStream('teapot')));
        $f = $this->m->frames()[0];
        self::assertSame('{"status":418,"headers":{"X-A":["1","2"]}}teapot', $f->payload);
        self::assertSame(0, $f->byte10);
    }

    public function testRespondChunked(): void
    {
        $w = $this->worker();
        $w->chunkSize = 4;
        $w->respond($this->factory->createResponse(200)->withBody($this->factory->createStream('0123456789')));
        $frames = $this->m->frames();
        self::assertSame(['{"status":200,"headers":{}}0123', '4567', '89', ''], array_map(static fn (Frame $f) => $f->payload, $frames));
        // chunks are STREAM frames; an empty final frame (STREAM clear) closes the stream
        self::assertSame([Frame::STREAM, Frame::STREAM, Frame::STREAM, 0], array_map(static fn (Frame $f) => $f->byte10, $frames));
    }
}
