<?php

declare(strict_types=1);

namespace Phprun\Rpc;

use Phprun\Environment;
use Phprun\Exception\RpcException;
use Phprun\Frame;
use Phprun\Relay\RelayFactory;
use Phprun\Relay\RelayInterface;

/**
 * Client is a minimal goridge RPC client (PROTOCOL.md 4.1) with the JSON codec: one request in
 * flight per connection, options [seq, len(method)], sequence numbers starting at 1.
 *
 * <code>
 * $rpc = \Phprun\Rpc\Client::create();            // RR_RPC, default tcp://127.0.0.1:6001
 * $workers = $rpc->call('informer.Workers', 'http');
 * </code>
 */
final class Client
{
    private int $seq = 1;

    public function __construct(private readonly RelayInterface $relay, private readonly string $service = '')
    {
    }

    /**
     * create connects to $address, or to RR_RPC from the environment.
     */
    public static function create(?string $address = null): self
    {
        return new self(RelayFactory::create($address ?? Environment::fromGlobals()->rpc));
    }

    /**
     * withServicePrefix returns a client whose call('foo') invokes "<service>.Foo".
     * It shares the connection and continues the sequence from the current value.
     */
    public function withServicePrefix(string $service): self
    {
        $c = new self($this->relay, $service);
        $c->seq = $this->seq;

        return $c;
    }

    /**
     * call invokes a method with a JSON-encoded argument and returns the decoded reply
     * (objects as associative arrays).
     *
     * @throws RpcException when the server answers with an error
     */
    public function call(string $method, mixed $argument = null): mixed
    {
        $reply = $this->callRaw($method, \json_encode($argument, \JSON_THROW_ON_ERROR | \JSON_UNESCAPED_SLASHES), Frame::CODEC_JSON);
        if ($reply === '') {
            return null;
        }

        return \json_decode($reply, true, 512, \JSON_THROW_ON_ERROR);
    }

    /**
     * callRaw sends an already encoded argument with the given codec flag and returns the raw
     * reply bytes (the method-name prefix removed).
     */
    public function callRaw(string $method, string $argument, int $codec = Frame::CODEC_RAW): string
    {
        if ($this->service !== '') {
            $method = $this->service . '.' . \ucfirst($method);
        }
        $seq = $this->seq++;
        $this->relay->send(Frame::encode($method . $argument, $codec, [$seq, \strlen($method)]));
        $frame = $this->relay->receive();
        if (\count($frame->options) !== 2) {
            throw new RpcException(\sprintf('phprun: rpc %s: reply must carry 2 options, got %d', $method, \count($frame->options)));
        }
        if ($frame->options[0] !== $seq) {
            throw new RpcException(\sprintf('phprun: rpc %s: sequence mismatch (sent %d, got %d)', $method, $seq, $frame->options[0]));
        }
        $body = (string) \substr($frame->payload, $frame->options[1]);
        if (($frame->flags & Frame::ERROR) !== 0) {
            throw new RpcException(\sprintf("Error '%s' on %s", $body, $this->relay->describe()));
        }

        return $body;
    }
}
