<?php

declare(strict_types=1);

namespace Phprun\Relay;

use Phprun\Frame;

/**
 * RelayInterface moves whole frames between the worker and the server.
 */
interface RelayInterface
{
    /**
     * receive blocks until one complete frame has arrived.
     *
     * @throws \Phprun\Exception\RelayException when the relay is closed or broken
     * @throws \Phprun\Exception\ProtocolException when the bytes are not a valid frame
     */
    public function receive(): Frame;

    /**
     * send writes the already encoded bytes of one or more frames.
     *
     * @throws \Phprun\Exception\RelayException
     */
    public function send(string $bytes): void;

    /**
     * hasPending reports without blocking whether a frame (or part of one) can be read now.
     * Relays that cannot tell (in-memory streams) return false.
     */
    public function hasPending(): bool;

    /**
     * describe names the relay in error messages.
     */
    public function describe(): string;
}
