<?php

declare(strict_types=1);

namespace Phprun\Rpc;

use Phprun\Exception\ProtocolException;

/**
 * Protobuf writes and reads the few protobuf wire shapes that RoadRunner's jobs.v1 and kv.v1
 * messages use (varints, length-delimited fields), so the jobs and kv clients need no protobuf
 * extension or library.
 *
 * @internal
 */
final class Protobuf
{
    public static function varint(int $v): string
    {
        $out = '';
        // Bounded: a 64-bit value takes at most 10 bytes.
        for ($i = 0; $i < 10; $i++) {
            $b = $v & 0x7f;
            $v = ($v >> 7) & 0x01ffffffffffffff; // logical shift, so negative values end
            if ($v === 0) {
                return $out . \chr($b);
            }
            $out .= \chr($b | 0x80);
        }

        return $out;
    }

    public static function bytes(int $field, string $value): string
    {
        return self::varint($field << 3 | 2) . self::varint(\strlen($value)) . $value;
    }

    public static function int(int $field, int $value): string
    {
        return $value === 0 ? '' : self::varint($field << 3) . self::varint($value);
    }

    public static function bool(int $field, bool $value): string
    {
        return $value ? self::varint($field << 3) . "\x01" : '';
    }

    /**
     * fields decodes one message into [field number, wire type, value] triples; length-delimited
     * values are strings, varints ints.
     *
     * @return list<array{int, int, int|string}>
     */
    public static function fields(string $buf): array
    {
        $out = [];
        $pos = 0;
        $len = \strlen($buf);
        while ($pos < $len) {
            $key = self::readVarint($buf, $pos);
            $field = $key >> 3;
            $type = $key & 7;
            switch ($type) {
                case 0:
                    $out[] = [$field, 0, self::readVarint($buf, $pos)];
                    break;
                case 2:
                    $n = self::readVarint($buf, $pos);
                    if ($n < 0 || $pos + $n > $len) {
                        throw new ProtocolException('phprun: truncated protobuf field');
                    }
                    $out[] = [$field, 2, \substr($buf, $pos, $n)];
                    $pos += $n;
                    break;
                case 1:
                    $pos += 8;
                    break;
                case 5:
                    $pos += 4;
                    break;
                default:
                    throw new ProtocolException(\sprintf('phprun: unsupported protobuf wire type %d', $type));
            }
        }

        return $out;
    }

    private static function readVarint(string $buf, int &$pos): int
    {
        $v = 0;
        for ($shift = 0; $shift < 64; $shift += 7) {
            if ($pos >= \strlen($buf)) {
                throw new ProtocolException('phprun: truncated protobuf varint');
            }
            $b = \ord($buf[$pos++]);
            $v |= ($b & 0x7f) << $shift;
            if ($b < 0x80) {
                return $v;
            }
        }
        throw new ProtocolException('phprun: protobuf varint too long');
    }
}
