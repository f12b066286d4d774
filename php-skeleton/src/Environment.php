<?php

declare(strict_types=1);

namespace Phprun;

/**
 * Environment holds the variables the server passes to a worker (PROTOCOL.md 2.1), with
 * RoadRunner's defaults.
 */
final class Environment
{
    public function __construct(
        public readonly string $relay = 'pipes',
        public readonly string $rpc = 'tcp://127.0.0.1:6001',
        public readonly string $mode = '',
        public readonly string $version = '',
    ) {
    }

    /**
     * fromGlobals reads RR_RELAY, RR_RPC, RR_MODE and RR_VERSION from the process environment
     * ($_ENV and $_SERVER are consulted too, as spiral/roadrunner-worker does).
     */
    public static function fromGlobals(): self
    {
        return new self(
            self::lookup('RR_RELAY') ?? 'pipes',
            self::lookup('RR_RPC') ?? 'tcp://127.0.0.1:6001',
            self::lookup('RR_MODE') ?? '',
            self::lookup('RR_VERSION') ?? '',
        );
    }

    /**
     * startedByServer says whether a server (phprun or RoadRunner, which always set RR_RELAY)
     * started this process.
     */
    public static function startedByServer(): bool
    {
        return self::lookup('RR_RELAY') !== null;
    }

    private static function lookup(string $name): ?string
    {
        $v = \getenv($name);
        if (\is_string($v) && $v !== '') {
            return $v;
        }
        foreach ([$_ENV, $_SERVER] as $src) {
            if (isset($src[$name]) && \is_string($src[$name]) && $src[$name] !== '') {
                return $src[$name];
            }
        }

        return null;
    }
}
