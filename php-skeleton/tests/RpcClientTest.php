<?php

declare(strict_types=1);

namespace Phprun\Tests;

use Phprun\Exception\RpcException;
use Phprun\Frame;
use Phprun\Relay\StreamRelay;
use Phprun\Rpc\Client;
use PHPUnit\Framework\TestCase;

/**
 * RpcClientTest plays the goridge RPC server on the other end of a socket pair: replies are
 * queued before each call (a single request is in flight, so this is the real exchange order
 * as seen by the client), then the request bytes the client wrote are checked.
 */
final class RpcClientTest extends TestCase
{
    /** @var resource */
    private $server;

    private Client $client;

    protected function setUp(): void
    {
        [$a, $b] = stream_socket_pair(STREAM_PF_UNIX, STREAM_SOCK_STREAM, STREAM_IPPROTO_IP);
        $this->server = $b;
        $this->client = new Client(new StreamRelay($a, $a, 'pair'));
    }

    public function testCallEncodesPerProtocolAndDecodesReply(): void
    {
        $this->reply(1, 'informer.Workers', '{"workers":[]}');
        self::assertSame(['workers' => []], $this->client->call('informer.Workers', 'http'));
        $req = $this->request();
        self::assertSame(Frame::CODEC_JSON, $req->flags);
        self::assertSame([1, 16], $req->options);
        self::assertSame('informer.Workers"http"', $req->payload);
        // exact bytes of PROTOCOL.md 1.7
        self::assertSame(hex2bin('150816000000' . '0971dba7' . '0000' . '01000000' . '10000000'), substr(Frame::encode($req->payload, $req->flags, $req->options), 0, 20));

        $this->reply(2, 'resetter.Reset', 'true');
        self::assertTrue($this->client->call('resetter.Reset', 'http'));
        self::assertSame([2, 14], $this->request()->options, 'sequence increments per call');
    }

    public function testServicePrefix(): void
    {
        $this->reply(1, 'informer.List', '["http"]');
        self::assertSame(['http'], $this->client->withServicePrefix('informer')->call('list', true));
        self::assertSame('informer.Listtrue', $this->request()->payload);
    }

    public function testErrorReply(): void
    {
        $m = 'kv.Get';
        fwrite($this->server, Frame::encode($m . 'no such storage "x"', Frame::CODEC_JSON | Frame::ERROR, [1, strlen($m)]));
        $this->expectException(RpcException::class);
        $this->expectExceptionMessage("Error 'no such storage \"x\"' on pair");
        $this->client->call($m, []);
    }

    public function testSequenceMismatch(): void
    {
        $this->reply(7, 'a.B', 'null');
        $this->expectException(RpcException::class);
        $this->expectExceptionMessage('sequence mismatch');
        $this->client->call('a.B');
    }

    public function testMissingOptions(): void
    {
        fwrite($this->server, Frame::encode('x', Frame::CODEC_JSON, [1]));
        $this->expectException(RpcException::class);
        $this->expectExceptionMessage('2 options');
        $this->client->call('a.B');
    }

    private function reply(int $seq, string $method, string $json): void
    {
        fwrite($this->server, Frame::encode($method . $json, Frame::CODEC_JSON, [$seq, strlen($method)]));
    }

    private function request(): Frame
    {
        return (new StreamRelay($this->server, $this->server, 'server'))->receive();
    }
}
