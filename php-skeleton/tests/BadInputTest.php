<?php

declare(strict_types=1);

namespace Phprun\Tests;

use Phprun\Exception\RelayException;
use Phprun\Frame;
use Phprun\Relay\RelayFactory;
use Phprun\Tests\Support\Memory;
use Phprun\Tests\Support\Proc;
use PHPUnit\Framework\TestCase;

/**
 * BadInputTest feeds real worker processes broken input: each case must end the process with a
 * non-zero exit and a clear message on stderr, within the deadline (never a hang).
 */
final class BadInputTest extends TestCase
{
    private const HELLO = __DIR__ . '/../examples/hello.php';

    /**
     * @return iterable<string, array{string, bool, string}>
     */
    public static function cases(): iterable
    {
        yield 'garbled frame' => ['this is not a frame at all', false, 'garbled frame header'];
        yield 'crc mismatch' => [substr_replace(Memory::request('{}', 'x'), "\x00\x00\x00\x00", 6, 4), false, 'CRC mismatch'];
        yield 'truncated frame then close' => [substr(Memory::request('{"a":1}', 'body'), 0, 20), true, 'truncated frame'];
        yield 'truncated header then close' => ["\x14\x08\x00", true, 'truncated frame'];
        yield 'unknown control' => [Frame::encode('{"fork":1}', Frame::CONTROL | Frame::CODEC_JSON), false, 'unknown control message'];
        yield 'closed pipe' => ['', true, 'closed by the server'];
    }

    /**
     * @dataProvider cases
     */
    public function testWorkerExitsWithMessage(string $bytes, bool $closeStdin, string $message): void
    {
        $p = new Proc(self::HELLO);
        $p->handshake();
        $p->send($bytes);
        if ($closeStdin) {
            $p->closeStdin();
        }
        $code = $p->wait(5.0);
        self::assertNotSame(0, $code);
        self::assertStringContainsString($message, $p->stderr());
        self::assertSame('', $p->stdoutRest());
    }

    public function testServerGoneBeforeReplyExitsWithMessage(): void
    {
        $p = new Proc(__DIR__ . '/../examples/slow.php');
        $p->handshake();
        $p->send(Memory::request(Memory::httpContext(['uri' => 'http://h/?ms=200', 'rawQuery' => 'ms=200'])));
        $p->closeStdout();
        self::assertNotSame(0, $p->wait(5.0));
        self::assertStringContainsString('closed while writing', $p->stderr());
    }

    /**
     * @return iterable<string, array{string, string}>
     */
    public static function badRelays(): iterable
    {
        yield 'unknown scheme' => ['ftp://x', 'unknown scheme'];
        yield 'no scheme' => ['127.0.0.1:6001', 'cannot parse relay'];
        yield 'tcp without host' => ['tcp://:6001', 'non-empty host'];
        yield 'tcp ipv6 literal' => ['tcp://[::1]:6001', 'non-empty host'];
        yield 'tcp bad port' => ['tcp://127.0.0.1:99999', 'port'];
        yield 'unix with colon' => ['unix:///tmp/a:b.sock', 'must not contain'];
    }

    /**
     * @dataProvider badRelays
     */
    public function testRelayStringsRejected(string $address, string $message): void
    {
        $this->expectException(RelayException::class);
        $this->expectExceptionMessage($message);
        RelayFactory::create($address);
    }

    public function testUnparseableRelayExitsProcess(): void
    {
        $p = new Proc(self::HELLO, ['RR_RELAY' => 'bogus']);
        self::assertNotSame(0, $p->wait(5.0));
        self::assertStringContainsString('cannot parse relay "bogus"', $p->stderr());
    }

    public function testUnreachableSocketRelayExitsProcess(): void
    {
        $path = sys_get_temp_dir() . '/phprun-none-' . getmypid() . '.sock';
        $p = new Proc(self::HELLO, ['RR_RELAY' => 'unix://' . $path]);
        self::assertNotSame(0, $p->wait(10.0));
        self::assertStringContainsString('cannot connect to relay', $p->stderr());
    }
}
