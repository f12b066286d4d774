<?php

declare(strict_types=1);

namespace Phprun\Tests;

use Phprun\Frame;
use Phprun\Tests\Support\Proc;
use PHPUnit\Framework\TestCase;

/**
 * ExamplesTest runs every example worker as a real php-cli process over pipes, started from an
 * unrelated working directory, and checks its behaviour.
 */
final class ExamplesTest extends TestCase
{
    private const DIR = __DIR__ . '/../examples/';

    public function testHello(): void
    {
        $p = new Proc(self::DIR . 'hello.php');
        $pid = $p->handshake();
        self::assertGreaterThan(0, $pid);
        for ($i = 0; $i < 3; $i++) {
            [$status, $headers, $body, $frames] = $p->http([]);
            self::assertSame(200, $status);
            self::assertSame('Hello, World!', $body);
            self::assertSame(['text/plain; charset=utf-8'], $headers['Content-Type']);
            self::assertSame(1, count($frames[0]->options));
        }
        self::assertSame(0, $p->stop());
        self::assertSame('', $p->stdoutRest());
    }

    public function testEchoReportsEverything(): void
    {
        $dir = sys_get_temp_dir() . '/phprun-echo-' . getmypid();
        @mkdir($dir);
        file_put_contents("$dir/upload1", 'first file');
        file_put_contents("$dir/upload2", 'second');
        $p = new Proc(self::DIR . 'echo.php');
        $p->handshake();
        [$status, $headers, $body] = $p->http([
            'remoteAddr' => '192.0.2.1',
            'protocol' => 'HTTP/1.0',
            'method' => 'POST',
            'uri' => 'http://localhost:8080/echo/path?a[]=1&a[]=2&n[k]=v',
            'rawQuery' => 'a[]=1&a[]=2&n[k]=v',
            'headers' => ['Content-Type' => ['multipart/form-data; boundary=x'], 'X-Test' => ['1', '2']],
            'cookies' => ['c' => 'v w'],
            'parsed' => true,
            'uploads' => ['docs' => [
                ['name' => 'a.txt', 'mime' => 'text/plain', 'size' => 10, 'error' => 0, 'tmpName' => "$dir/upload1"],
                ['name' => 'b.txt', 'mime' => 'text/plain', 'size' => 6, 'error' => 0, 'tmpName' => "$dir/upload2"],
            ], 'gone' => ['name' => 'x.php', 'mime' => '', 'size' => 0, 'error' => 8, 'tmpName' => '']],
            'attributes' => ['k' => 'v'],
        ], '{"field":{"sub":["x","y"]}}');
        self::assertSame(200, $status);
        self::assertSame(['application/json'], $headers['Content-Type']);
        $d = json_decode($body, true);
        self::assertSame('POST', $d['method']);
        self::assertSame('/echo/path', $d['path']);
        self::assertSame(['a' => ['1', '2'], 'n' => ['k' => 'v']], $d['query']);
        self::assertSame(['1', '2'], $d['headers']['X-Test']);
        self::assertSame(['c' => 'v w'], $d['cookies']);
        self::assertSame(['field' => ['sub' => ['x', 'y']]], $d['parsedBody']);
        self::assertSame('{"field":{"sub":["x","y"]}}', $d['body']);
        self::assertTrue($d['uploads']['docs'][0]['exists']);
        self::assertSame(sha1('first file'), $d['uploads']['docs'][0]['sha1']);
        self::assertSame(sha1('second'), $d['uploads']['docs'][1]['sha1']);
        self::assertFalse($d['uploads']['gone']['exists']);
        self::assertSame(8, $d['uploads']['gone']['error']);
        self::assertSame('192.0.2.1', $d['remoteAddr']);
        self::assertSame('HTTP/1.0', $d['protocol']);
        self::assertSame('v', $d['attributes']['k']);
        // empty maps stay objects
        [, , $body] = $p->http([]);
        self::assertStringContainsString('"query":{}', $body);
        self::assertStringContainsString('"uploads":{}', $body);
        self::assertSame(0, $p->stop());
        array_map('unlink', glob("$dir/*"));
        rmdir($dir);
    }

    public function testSlowSleeps(): void
    {
        $p = new Proc(self::DIR . 'slow.php');
        $p->handshake();
        $t = microtime(true);
        [$status, , $body] = $p->http(['uri' => 'http://h/?ms=120', 'rawQuery' => 'ms=120']);
        self::assertGreaterThanOrEqual(0.12, microtime(true) - $t);
        self::assertSame(200, $status);
        self::assertSame('slept 120 ms', $body);
        self::assertSame(0, $p->stop());
    }

    public function testStreamChunksWithPingPong(): void
    {
        $p = new Proc(self::DIR . 'stream.php');
        $p->handshake();
        [$status, , $body, $frames] = $p->http(['uri' => 'http://h/?chunks=12', 'rawQuery' => 'chunks=12']);
        self::assertSame(200, $status);
        $want = '';
        for ($i = 1; $i <= 12; $i++) {
            $want .= "chunk $i\n";
        }
        self::assertSame($want . "done\n", $body);
        self::assertCount(13, $frames);
        $pings = array_filter($frames, static fn (Frame $f) => ($f->byte10 & Frame::PING) !== 0);
        self::assertCount(2, $pings);
        // the worker is reusable after the stream
        [$status, , $body] = $p->http(['uri' => 'http://h/?chunks=1', 'rawQuery' => 'chunks=1']);
        self::assertSame("chunk 1\ndone\n", $body);
        self::assertSame(0, $p->stop());
    }

    public function testStreamStoppedByServer(): void
    {
        $p = new Proc(self::DIR . 'stream.php');
        $p->handshake();
        $p->send(\Phprun\Tests\Support\Memory::request(\Phprun\Tests\Support\Memory::httpContext(['uri' => 'http://h/?chunks=1000&ms=5', 'rawQuery' => 'chunks=1000&ms=5']), ''));
        $first = $p->frame();
        self::assertSame(Frame::STREAM, $first->byte10 & Frame::STREAM);
        $p->send(Frame::encode('', 0, [], Frame::STOP));
        // drain until the non-STREAM terminator, answering PINGs
        for ($i = 0; $i < 1000; $i++) {
            $f = $p->frame();
            if (($f->byte10 & Frame::PING) !== 0) {
                $p->send(Frame::encode('', 0, [], Frame::PONG));
            }
            if (($f->byte10 & Frame::STREAM) === 0) {
                break;
            }
        }
        self::assertLessThan(100, $i, 'stream did not end soon after STOP');
        self::assertSame('', $f->payload);
        self::assertStringContainsString('stream.php: stopped after', $p->stderr());
        [$status, , $body, $frames] = $p->http([]);
        self::assertSame(200, $status, var_export($frames, true));
        self::assertSame(0, $p->stop());
    }

    public function testEarlyHints(): void
    {
        $p = new Proc(self::DIR . 'stream.php');
        $p->handshake();
        [$status, $headers, $body, $frames] = $p->http(['uri' => 'http://h/early-hints']);
        self::assertCount(2, $frames);
        $hint = json_decode(substr($frames[0]->payload, 0, $frames[0]->options[0]), true);
        self::assertSame(103, $hint['status']);
        self::assertSame(['</style.css>; rel=preload; as=style'], $hint['headers']['Link']);
        self::assertSame(Frame::STREAM, $frames[0]->byte10);
        $final = json_decode(substr($frames[1]->payload, 0, $frames[1]->options[0]), true);
        self::assertSame(200, $final['status']);
        self::assertSame("early hints sent\n", $body);
        self::assertSame(0, $p->stop());
    }

    public function testCrash(): void
    {
        $p = new Proc(self::DIR . 'crash.php');
        $p->handshake();
        [$status, , $body] = $p->http(['uri' => 'http://h/fine']);
        self::assertSame('ok', $body);
        $p->send(\Phprun\Tests\Support\Memory::request(\Phprun\Tests\Support\Memory::httpContext(['uri' => 'http://h/?do=crash', 'rawQuery' => 'do=crash']), ''));
        self::assertSame(1, $p->wait());
        self::assertStringContainsString('crash.php: crashing', $p->stderr());
        self::assertSame('', $p->stdoutRest());
    }

    public function testLeakKeepsMemory(): void
    {
        $p = new Proc(self::DIR . 'leak.php');
        $p->handshake();
        $p->http(['uri' => 'http://h/?mb=8', 'rawQuery' => 'mb=8']);
        [, , $body] = $p->http(['uri' => 'http://h/?mb=8', 'rawQuery' => 'mb=8']);
        self::assertMatchesRegularExpression('/^leaked 8 MiB, holding 16 MiB, pid \d+$/', $body);
        self::assertSame(0, $p->stop());
    }

    public function testPsr7(): void
    {
        $dir = sys_get_temp_dir() . '/phprun-psr7-' . getmypid();
        @mkdir($dir);
        file_put_contents("$dir/up", 'hello');
        $p = new Proc(self::DIR . 'psr7.php');
        $p->handshake();
        [$status, $headers, $body] = $p->http([
            'method' => 'POST',
            'protocol' => 'HTTP/2.0',
            'uri' => 'https://example.test/p?q[]=1',
            'rawQuery' => 'q[]=1',
            'cookies' => ['c' => '1'],
            'parsed' => true,
            'remoteAddr' => '198.51.100.4',
            'uploads' => ['f' => ['name' => 'h.txt', 'mime' => 'text/plain', 'size' => 5, 'error' => 0, 'tmpName' => "$dir/up"]],
        ], '{"x":"y"}');
        self::assertSame(200, $status, $body . $p->stderr());
        self::assertSame(['nyholm'], $headers['X-Psr7']);
        $d = json_decode($body, true);
        self::assertTrue($d['psr7']);
        self::assertSame('POST', $d['method']);
        self::assertSame('/p', $d['path']);
        self::assertSame(['q' => ['1']], $d['query']);
        self::assertSame(['x' => 'y'], $d['parsedBody']);
        self::assertSame(['c' => '1'], $d['cookies']);
        self::assertSame(['h.txt' => 5], $d['uploads']);
        self::assertSame('2', $d['protocol']);
        self::assertSame(['REMOTE_ADDR' => '198.51.100.4', 'HTTP_HOST' => 'example.test', 'REQUEST_METHOD' => 'POST'], $d['serverParams']);
        self::assertSame(0, $p->stop());
        unlink("$dir/up");
        rmdir($dir);
    }
}
