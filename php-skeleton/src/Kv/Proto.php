<?php

declare(strict_types=1);

namespace Phprun\Kv;

use Phprun\Exception\KvException;
use Phprun\Exception\ProtocolException;
use Phprun\Rpc\Protobuf;

/**
 * Proto encodes RoadRunner's kv.v1 messages by hand (PROTOCOL-PLUGINS.md 5.1), so that the kv
 * client needs neither google/protobuf nor generated classes:
 * Request {1 storage string, 2 items repeated Item}, Item {1 key string, 2 value bytes,
 * 3 timeout string}, Response {1 items repeated Item}.
 *
 * @internal
 */
final class Proto
{
    /**
     * request encodes a Request; each item is [key, value|null, timeout|null].
     *
     * @param list<array{0: string, 1: ?string, 2: ?string}> $items
     */
    public static function request(string $storage, array $items): string
    {
        $out = $storage === '' ? '' : self::field(1, $storage);
        foreach ($items as [$key, $value, $timeout]) {
            $item = $key === '' ? '' : self::field(1, $key);
            if ($value !== null && $value !== '') {
                $item .= self::field(2, $value);
            }
            if ($timeout !== null && $timeout !== '') {
                $item .= self::field(3, $timeout);
            }
            $out .= self::field(2, $item);
        }

        return $out;
    }

    /**
     * response decodes a Response into a list of [key, value, timeout] (absent fields are '').
     *
     * @return list<array{0: string, 1: string, 2: string}>
     */
    public static function response(string $data): array
    {
        $items = [];
        foreach (self::fields($data) as [$num, $bytes]) {
            if ($num !== 1) {
                continue; // unknown field: skip, as protobuf does
            }
            $item = ['', '', ''];
            foreach (self::fields($bytes) as [$n, $b]) {
                if ($n >= 1 && $n <= 3) {
                    $item[$n - 1] = $b;
                }
            }
            $items[] = $item;
        }

        return $items;
    }

    /** field encodes one length-delimited field (wire type 2). */
    private static function field(int $num, string $bytes): string
    {
        return Protobuf::bytes($num, $bytes);
    }

    /**
     * fields splits a message into [field number, bytes] for its length-delimited fields and skips
     * the others (which kv.v1 does not use).
     *
     * @return list<array{0: int, 1: string}>
     */
    private static function fields(string $data): array
    {
        try {
            $all = Protobuf::fields($data);
        } catch (ProtocolException $e) {
            throw new KvException('phprun: kv: ' . \substr($e->getMessage(), \strlen('phprun: ')), 0, $e);
        }
        $out = [];
        foreach ($all as [$num, $type, $value]) {
            if ($type === 2) {
                $out[] = [$num, (string) $value];
            }
        }

        return $out;
    }
}
