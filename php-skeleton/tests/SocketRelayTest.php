<?php

declare(strict_types=1);

namespace Phprun\Tests;

use Phprun\Frame;
use Phprun\Relay\StreamRelay;
use Phprun\Tests\Support\Memory;
use Phprun\Tests\Support\Proc;
use PHPUnit\Framework\TestCase;

/**
 * SocketRelayTest runs hello.php against tcp:// and unix:// relays, with the test as the server:
 * it listens, accepts the worker's connection and speaks first (PID request), as phprun does.
 */
final class SocketRelayTest extends TestCase
{
    public function testTcpRelay(): void
    {
        $server = stream_socket_server('tcp://127.0.0.1:0', $errno, $errstr);
        self::assertNotFalse($server, $errstr);
        $addr = stream_socket_get_name($server, false);
        $this->exercise($server, 'tcp://' . $addr);
    }

    public function testUnixRelay(): void
    {
        $path = sys_get_temp_dir() . '/phprun-test-' . getmypid() . '.sock';
        @unlink($path);
        $server = stream_socket_server('unix://' . $path, $errno, $errstr);
        self::assertNotFalse($server, $errstr);
        try {
            $this->exercise($server, 'unix://' . $path);
        } finally {
            @unlink($path);
        }
    }

    /**
     * @param resource $server
     */
    private function exercise($server, string $relay): void
    {
        $p = new Proc(__DIR__ . '/../examples/hello.php', ['RR_RELAY' => $relay]);
        $conn = @stream_socket_accept($server, 5.0);
        self::assertNotFalse($conn, 'worker did not connect; stderr: ' . $p->stderr());
        stream_set_timeout($conn, 5);
        $r = new StreamRelay($conn, $conn, 'test-server');
        $r->send(Frame::encode('{"pid":1}', Frame::CONTROL | Frame::CODEC_JSON));
        $pid = $r->receive();
        self::assertSame(Frame::CONTROL, $pid->flags);
        self::assertGreaterThan(0, json_decode($pid->payload, true)['pid']);
        for ($i = 0; $i < 3; $i++) {
            $r->send(Memory::request(Memory::httpContext()));
            $f = $r->receive();
            self::assertSame('{"status":200,"headers":{"Content-Type":["text/plain; charset=utf-8"]}}Hello, World!', $f->payload);
        }
        $r->send(Frame::encode('{"stop":true}', Frame::CONTROL | Frame::CODEC_JSON));
        self::assertSame(0, $p->wait());
        self::assertSame('', $p->stdoutRest());
        fclose($conn);
        fclose($server);
    }
}
