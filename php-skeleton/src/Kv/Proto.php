<?php

declare(strict_types=1);

namespace Phprun\Kv;

use Phprun\Exception\KvException;

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
        return self::varint($num << 3 | 2) . self::varint(\strlen($bytes)) . $bytes;
    }

    private static function varint(int $v): string
    {
        $out = '';
        while ($v > 0x7f) {
            $out .= \chr(($v & 0x7f) | 0x80);
            $v >>= 7;
        }

        return $out . \chr($v);
    }

    /**
     * fields splits a message into [field number, bytes] for its length-delimited fields and skips
     * varint and fixed-width ones (which kv.v1 does not use).
     *
     * @return list<array{0: int, 1: string}>
     */
    private static function fields(string $data): array
    {
        $out = [];
        $pos = 0;
        $len = \strlen($data);
        while ($pos < $len) {
            $tag = self::readVarint($data, $pos);
            switch ($tag & 7) {
                case 0:
                    self::readVarint($data, $pos);
                    break;
                case 1:
                    $pos += 8;
                    break;
                case 5:
                    $pos += 4;
                    break;
                case 2:
                    $n = self::readVarint($data, $pos);
                    if ($pos + $n > $len) {
                        throw new KvException('phprun: kv: truncated protobuf reply');
                    }
                    $out[] = [$tag >> 3, (string) \substr($data, $pos, $n)];
                    $pos += $n;
                    break;
                default:
                    throw new KvException(\sprintf('phprun: kv: unsupported protobuf wire type %d', $tag & 7));
            }
        }

        return $out;
    }

    private static function readVarint(string $data, int &$pos): int
    {
        $v = 0;
        for ($shift = 0; $shift < 64; $shift += 7) {
            if ($pos >= \strlen($data)) {
                throw new KvException('phprun: kv: truncated protobuf varint');
            }
            $b = \ord($data[$pos++]);
            $v |= ($b & 0x7f) << $shift;
            if ($b < 0x80) {
                return $v;
            }
        }
        throw new KvException('phprun: kv: protobuf varint too long');
    }
}
