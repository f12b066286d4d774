<?php

declare(strict_types=1);

namespace Phprun\Kv;

use Phprun\Exception\KvException;
use Phprun\Exception\RpcException;
use Phprun\Frame;
use Phprun\Rpc\Client;

/**
 * Store is a client of one kv storage (RoadRunner's kv.* RPC, protobuf codec), shaped like
 * PSR-16: get/set/delete/clear/has and the *Multiple forms, plus getTtl and expire. Values go
 * through PHP's serialize() by default, byte-compatible with spiral/roadrunner-kv's default
 * serializer; withoutSerializer() stores strings verbatim.
 *
 * TTLs: int seconds, float seconds (sub-second precision, which phprun keeps), \DateInterval, or
 * null for none. A TTL of zero or less removes the key, as PSR-16 says.
 */
class Store
{
    /** @var ?callable(mixed): string */
    private $serialize;

    /** @var ?callable(string): mixed */
    private $unserialize;

    public function __construct(private readonly Client $rpc, private readonly string $storage)
    {
        $this->serialize = static fn (mixed $v): string => \serialize($v);
        $this->unserialize = static fn (string $s): mixed => \unserialize($s, ['allowed_classes' => true]);
    }

    /**
     * create connects to $address (default RR_RPC) and returns a client of $storage.
     */
    public static function create(string $storage, ?string $address = null): static
    {
        return new static(Client::create($address), $storage);
    }

    public function getName(): string
    {
        return $this->storage;
    }

    /**
     * withoutSerializer returns a client that stores string values as they are (binary-safe)
     * and returns them as strings.
     */
    public function withoutSerializer(): static
    {
        $c = clone $this;
        $c->serialize = static function (mixed $v): string {
            if (!\is_string($v)) {
                throw new KvException(\sprintf('phprun: kv: without a serializer values must be strings, got %s', \get_debug_type($v)));
            }

            return $v;
        };
        $c->unserialize = static fn (string $s): string => $s;

        return $c;
    }

    public function get(string $key, mixed $default = null): mixed
    {
        return $this->getMultiple([$key], $default)[$key];
    }

    /**
     * @param iterable<string> $keys
     * @return array<string, mixed>
     */
    public function getMultiple(iterable $keys, mixed $default = null): iterable
    {
        $keys = self::keys($keys);
        $found = [];
        foreach ($this->call('kv.MGet', $keys) as [$k, $v]) {
            $found[$k] = $v;
        }
        $out = [];
        foreach ($keys as $k) {
            $out[$k] = \array_key_exists($k, $found) ? ($this->unserialize)($found[$k]) : $default;
        }

        return $out;
    }

    public function set(string $key, mixed $value, null|int|float|\DateInterval $ttl = null): bool
    {
        return $this->setMultiple([$key => $value], $ttl);
    }

    /**
     * @param iterable<string, mixed> $values
     */
    public function setMultiple(iterable $values, null|int|float|\DateInterval $ttl = null): bool
    {
        $timeout = self::timeout($ttl);
        $items = [];
        foreach ($values as $k => $v) {
            $items[] = [(string) $k, ($this->serialize)($v), $timeout];
        }
        $this->call('kv.Set', $items);

        return true;
    }

    public function has(string $key): bool
    {
        return $this->call('kv.Has', [$key]) !== [];
    }

    public function delete(string $key): bool
    {
        return $this->deleteMultiple([$key]);
    }

    /**
     * @param iterable<string> $keys
     */
    public function deleteMultiple(iterable $keys): bool
    {
        $this->call('kv.Delete', self::keys($keys));

        return true;
    }

    public function clear(): bool
    {
        $this->call('kv.Clear', []);

        return true;
    }

    /**
     * getTtl returns when $key expires, null when it has no TTL or does not exist.
     */
    public function getTtl(string $key): ?\DateTimeImmutable
    {
        return $this->getMultipleTtl([$key])[$key];
    }

    /**
     * @param iterable<string> $keys
     * @return array<string, ?\DateTimeImmutable>
     */
    public function getMultipleTtl(iterable $keys): array
    {
        $keys = self::keys($keys);
        $found = [];
        foreach ($this->call('kv.TTL', $keys) as [$k, , $t]) {
            $found[$k] = $t;
        }
        $out = [];
        foreach ($keys as $k) {
            $t = $found[$k] ?? '';
            $out[$k] = $t === '' ? null : new \DateTimeImmutable($t);
        }

        return $out;
    }

    /**
     * expire gives existing keys a new TTL (kv.MExpire); missing keys are left alone.
     *
     * @param iterable<string> $keys
     */
    public function expire(iterable $keys, int|float|\DateInterval $ttl): bool
    {
        $timeout = self::timeout($ttl);
        $this->call('kv.MExpire', \array_map(static fn (string $k): array => [$k, null, $timeout], self::keys($keys)));

        return true;
    }

    /**
     * call sends one kv request; $items are keys or [key, value, timeout] triples.
     *
     * @param list<string|array{0: string, 1: ?string, 2: ?string}> $items
     * @return list<array{0: string, 1: string, 2: string}>
     */
    private function call(string $method, array $items): array
    {
        $items = \array_map(static fn (string|array $i): array => \is_string($i) ? [$i, null, null] : $i, $items);
        try {
            $reply = $this->rpc->callRaw($method, Proto::request($this->storage, $items), Frame::CODEC_PROTO);
        } catch (RpcException $e) {
            if (\str_contains($e->getMessage(), 'no such storage')) {
                throw new KvException(\sprintf('phprun: kv storage "%s" is not configured: add it under kv: in the config file (%s)', $this->storage, $e->getMessage()), 0, $e);
            }
            throw new KvException($e->getMessage(), 0, $e);
        }

        return Proto::response($reply);
    }

    /**
     * @param iterable<mixed> $keys
     * @return list<string>
     */
    private static function keys(iterable $keys): array
    {
        $out = [];
        foreach ($keys as $k) {
            if (!\is_string($k) && !\is_int($k)) {
                throw new KvException(\sprintf('phprun: kv: a key must be a string, got %s', \get_debug_type($k)));
            }
            $out[] = (string) $k;
        }

        return $out;
    }

    /**
     * timeout turns a TTL into the RFC 3339 instant the server expects ('' = none). Whole
     * seconds are written as PHP's DATE_RFC3339 writes them, fractions with microseconds.
     */
    private static function timeout(null|int|float|\DateInterval $ttl): string
    {
        if ($ttl === null) {
            return '';
        }
        $now = \DateTimeImmutable::createFromFormat('U.u', \sprintf('%.6F', \microtime(true)), new \DateTimeZone('UTC'));
        \assert($now instanceof \DateTimeImmutable);
        if ($ttl instanceof \DateInterval) {
            $at = $now->add($ttl);
        } else {
            $at = $now->modify(\sprintf('%+d microseconds', (int) \round($ttl * 1e6)));
        }
        if ((int) $at->format('u') === 0) {
            return $at->format(\DateTimeInterface::RFC3339);
        }

        return $at->format('Y-m-d\TH:i:s.uP');
    }
}
