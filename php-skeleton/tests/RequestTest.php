<?php

declare(strict_types=1);

namespace Phprun\Tests;

use Phprun\Exception\ProtocolException;
use Phprun\Http\Request;
use Phprun\Http\UploadedFile;
use Phprun\Tests\Support\Memory;
use PHPUnit\Framework\TestCase;

/**
 * RequestTest checks the mapping from the JSON context (PROTOCOL.md 3.2-3.5) to Request.
 */
final class RequestTest extends TestCase
{
    public function testBasicFields(): void
    {
        $r = Request::fromContext(Memory::httpContext([
            'remoteAddr' => '10.0.0.7',
            'protocol' => 'HTTP/2.0',
            'method' => 'PUT',
            'uri' => 'https://example.test:8443/a/b%20c?x=1',
            'rawQuery' => 'x=1',
            'headers' => ['Content-Type' => ['text/plain'], 'X-Multi' => ['a', 'b']],
            'attributes' => ['ipAddress' => '1.2.3.4'],
        ]), 'raw');
        self::assertSame('PUT', $r->method);
        self::assertSame('/a/b%20c', $r->path);
        self::assertSame(['x' => '1'], $r->query);
        self::assertSame('raw', $r->body);
        self::assertNull($r->parsedBody);
        self::assertSame('10.0.0.7', $r->remoteAddr);
        self::assertSame('HTTP/2.0', $r->protocol);
        self::assertSame('2', $r->protocolVersion());
        self::assertSame('text/plain', $r->header('content-type'));
        self::assertSame(['a', 'b'], $r->headerValues('x-multi'));
        self::assertNull($r->header('missing'));
        self::assertSame('d', $r->header('missing', 'd'));
        self::assertSame(['ipAddress' => '1.2.3.4', Request::PARSED_BODY_ATTRIBUTE => false], $r->attributes);
    }

    public function testNestedQueryArrays(): void
    {
        $r = Request::fromContext(Memory::httpContext([
            'uri' => 'http://localhost/?a[]=1&a[]=2&b[c][d]=x&e=1&e=2&sp%20ace=y',
            'rawQuery' => 'a[]=1&a[]=2&b[c][d]=x&e=1&e=2&sp%20ace=y',
        ]), '');
        self::assertSame(['a' => ['1', '2'], 'b' => ['c' => ['d' => 'x']], 'e' => '2', 'sp_ace' => 'y'], $r->query);
    }

    public function testParsedFormBody(): void
    {
        $tree = ['user' => ['name' => 'ann', 'tags' => ['x', 'y']], 'plain' => 'v'];
        $r = Request::fromContext(Memory::httpContext(['method' => 'POST', 'parsed' => true]), json_encode($tree));
        self::assertSame($tree, $r->parsedBody);
        self::assertTrue($r->attributes[Request::PARSED_BODY_ATTRIBUTE]);
    }

    public function testParsedEmptyBodyIsEmptyArray(): void
    {
        $r = Request::fromContext(Memory::httpContext(['parsed' => true]), '');
        self::assertSame([], $r->parsedBody);
    }

    public function testCookiesAreTakenVerbatim(): void
    {
        $r = Request::fromContext(Memory::httpContext(['cookies' => ['sid' => 'a b', 'theme' => 'dark=1']]), '');
        self::assertSame(['sid' => 'a b', 'theme' => 'dark=1'], $r->cookies);
    }

    public function testMultipleUploadsTree(): void
    {
        $file = static fn (string $n, int $err = 0) => ['name' => $n, 'mime' => 'text/plain', 'size' => 3, 'error' => $err, 'tmpName' => $err ? '' : "/tmp/upload$n"];
        $r = Request::fromContext(Memory::httpContext([
            'parsed' => true,
            'uploads' => [
                'single' => $file('s'),
                'many' => [$file('m0'), $file('m1')],
                'nested' => ['a' => ['b' => $file('deep')]],
                'name' => ['x' => $file('field-called-name')],
                'bad' => $file('forbidden.php', 8),
            ],
        ]), '{}');
        $u = $r->uploads;
        self::assertInstanceOf(UploadedFile::class, $u['single']);
        self::assertSame('/tmp/uploads', $u['single']->tmpName);
        self::assertCount(2, $u['many']);
        self::assertSame('m1', $u['many'][1]->name);
        self::assertSame('deep', $u['nested']['a']['b']->name);
        self::assertSame('field-called-name', $u['name']['x']->name);
        self::assertSame(8, $u['bad']->error);
        self::assertFalse($u['bad']->isOk());
        self::assertTrue($u['single']->isOk());
    }

    public function testUploadedFileContentsAndMove(): void
    {
        $tmp = tempnam(sys_get_temp_dir(), 'phprun-test');
        file_put_contents($tmp, 'abc');
        $f = UploadedFile::fromArray(['name' => 'a.txt', 'mime' => 'text/plain', 'size' => 3, 'error' => 0, 'tmpName' => $tmp]);
        self::assertSame('abc', $f->contents());
        $target = $tmp . '.moved';
        $f->moveTo($target);
        self::assertFileDoesNotExist($tmp);
        self::assertSame('abc', file_get_contents($target));
        unlink($target);
    }

    public function testServerParams(): void
    {
        $r = Request::fromContext(Memory::httpContext([
            'method' => 'POST',
            'uri' => 'https://example.test:8443/p?q=1',
            'rawQuery' => 'q=1',
            'headers' => ['Content-Type' => ['application/json'], 'Content-Length' => ['2'], 'X-Forwarded-For' => ['a', 'b']],
        ]), '{}');
        $s = $r->serverParams(['SCRIPT_NAME' => 'worker.php']);
        self::assertSame('worker.php', $s['SCRIPT_NAME']);
        self::assertSame('POST', $s['REQUEST_METHOD']);
        self::assertSame('https://example.test:8443/p?q=1', $s['REQUEST_URI']);
        self::assertSame('example.test:8443', $s['HTTP_HOST']);
        self::assertSame('on', $s['HTTPS']);
        self::assertSame('application/json', $s['CONTENT_TYPE']);
        self::assertSame('2', $s['CONTENT_LENGTH']);
        self::assertSame('a, b', $s['HTTP_X_FORWARDED_FOR']);
        self::assertSame('q=1', $s['QUERY_STRING']);
        self::assertSame('127.0.0.1', $s['REMOTE_ADDR']);
        self::assertIsFloat($s['REQUEST_TIME_FLOAT']);
    }

    /**
     * @return iterable<string, array{string}>
     */
    public static function badContexts(): iterable
    {
        yield 'not json' => ['{oops'];
        yield 'array' => ['[1,2]'];
        yield 'missing uri' => ['{"method":"GET"}'];
    }

    /**
     * @dataProvider badContexts
     */
    public function testBadContextRejected(string $ctx): void
    {
        $this->expectException(ProtocolException::class);
        Request::fromContext($ctx, '');
    }
}
