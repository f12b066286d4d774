<?php

declare(strict_types=1);

namespace Phprun\Relay;

use Phprun\Exception\RelayException;

/**
 * RelayFactory turns an RR_RELAY string into a relay: "pipes", "pipes://stdin:stdout",
 * "tcp://host:port" or "unix://path". It accepts what spiral/goridge accepts (PROTOCOL.md 2.2)
 * and rejects anything else with a message naming the string.
 */
final class RelayFactory
{
    /** Connection attempts for socket relays; the server is already listening when we start. */
    private const CONNECT_ATTEMPTS = 20;

    /** Pause between attempts, in microseconds. */
    private const CONNECT_PAUSE_US = 50_000;

    public static function create(string $address): RelayInterface
    {
        $address = \trim($address);
        if ($address === 'pipes' || $address === 'pipes://stdin:stdout') {
            return new StreamRelay(\STDIN, \STDOUT, 'pipes');
        }
        if (\preg_match('~^([a-z]+)://(.+)$~i', $address, $m) !== 1) {
            throw new RelayException(\sprintf('phprun: cannot parse relay "%s": expected pipes, tcp://host:port or unix://path', $address));
        }
        $scheme = \strtolower($m[1]);
        $rest = $m[2];
        if ($scheme === 'tcp') {
            if (\preg_match('~^([^:/\[\]]+):(\d{1,5})$~', $rest, $hp) !== 1 || (int) $hp[2] < 1 || (int) $hp[2] > 65535) {
                throw new RelayException(\sprintf('phprun: cannot parse relay "%s": tcp relays need tcp://host:port with a non-empty host and a port 1-65535', $address));
            }

            return self::connect('tcp://' . $hp[1] . ':' . $hp[2], $address);
        }
        if ($scheme === 'unix') {
            if (\str_contains($rest, ':')) {
                throw new RelayException(\sprintf('phprun: cannot parse relay "%s": unix socket paths must not contain ":"', $address));
            }

            return self::connect('unix://' . $rest, $address);
        }
        throw new RelayException(\sprintf('phprun: cannot parse relay "%s": unknown scheme "%s" (use pipes, tcp or unix)', $address, $scheme));
    }

    private static function connect(string $target, string $address): RelayInterface
    {
        $errno = 0;
        $errstr = '';
        for ($i = 0; $i < self::CONNECT_ATTEMPTS; $i++) {
            // tcp_nodelay: frames are small request/response exchanges; Nagle would delay them.
            $ctx = \stream_context_create(['socket' => ['tcp_nodelay' => true]]);
            $sock = @\stream_socket_client($target, $errno, $errstr, 5.0, \STREAM_CLIENT_CONNECT, $ctx);
            if ($sock !== false) {
                \stream_set_blocking($sock, true);

                return new StreamRelay($sock, $sock, $address);
            }
            \usleep(self::CONNECT_PAUSE_US);
        }
        throw new RelayException(\sprintf('phprun: cannot connect to relay "%s": %s (errno %d)', $address, $errstr, $errno));
    }
}
