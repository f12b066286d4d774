<?php

declare(strict_types=1);

namespace Phprun\Jobs;

use Phprun\Frame;
use Phprun\Rpc\Client;
use Phprun\Rpc\Protobuf as Proto;

/**
 * Jobs is a dependency-free client of the jobs RPC service (RoadRunner's jobs.v1 messages over
 * goridge RPC with the protobuf codec), for phprun and RoadRunner alike.
 *
 * <code>
 * $jobs = \Phprun\Jobs\Jobs::create();                       // RR_RPC
 * $id = $jobs->push('emails', 'SendMail', json_encode(['to' => 'a@b.c']), delay: 10);
 * $jobs->pushBatch('emails', [['SendMail', '{"to":"x"}'], ['SendMail', '{"to":"y"}']]);
 * $jobs->pause('emails'); $jobs->resume('emails');
 * foreach ($jobs->stat() as $s) { echo $s['pipeline'], ' ', $s['active'], "\n"; }
 * </code>
 */
final class Jobs
{
    public function __construct(private readonly Client $rpc)
    {
    }

    public static function create(?string $address = null): self
    {
        return new self(Client::create($address));
    }

    /**
     * push queues one job and returns its id.
     *
     * @param array<string, string|list<string>> $headers
     */
    public function push(string $pipeline, string $name, string $payload, int $priority = 0, int $delay = 0,
        bool $autoAck = false, array $headers = [], ?string $id = null): string
    {
        $id ??= self::uuid();
        $this->call('jobs.Push', Proto::bytes(1, self::job($pipeline, $name, $payload, $priority, $delay, $autoAck, $headers, $id)));

        return $id;
    }

    /**
     * pushBatch queues many jobs in one call; each item is [name, payload] or
     * [name, payload, ['priority' => , 'delay' => , 'auto_ack' => , 'headers' => ]].
     *
     * @param list<array{0: string, 1: string, 2?: array<string, mixed>}> $jobs
     * @return list<string> the ids, in order
     */
    public function pushBatch(string $pipeline, array $jobs): array
    {
        $body = '';
        $ids = [];
        foreach ($jobs as $j) {
            $o = $j[2] ?? [];
            $ids[] = $id = (string) ($o['id'] ?? self::uuid());
            $body .= Proto::bytes(1, self::job($pipeline, $j[0], $j[1], (int) ($o['priority'] ?? 0), (int) ($o['delay'] ?? 0),
                (bool) ($o['auto_ack'] ?? false), $o['headers'] ?? [], $id));
        }
        $this->call('jobs.PushBatch', $body);

        return $ids;
    }

    public function pause(string ...$pipelines): void
    {
        $this->call('jobs.Pause', self::names($pipelines));
    }

    public function resume(string ...$pipelines): void
    {
        $this->call('jobs.Resume', self::names($pipelines));
    }

    /** @return list<string> the pipelines destroyed */
    public function destroy(string ...$pipelines): array
    {
        return self::readNames($this->call('jobs.Destroy', self::names($pipelines)));
    }

    /** @return list<string> */
    public function list(): array
    {
        return self::readNames($this->call('jobs.List', ''));
    }

    /**
     * declare creates a pipeline at run time; it consumes after resume() unless it is listed in
     * jobs.consume.
     *
     * @param array<string, string|int|bool> $config name, driver, priority and driver keys
     */
    public function declare(array $config): void
    {
        $body = '';
        foreach ($config as $k => $v) {
            $v = \is_bool($v) ? ($v ? 'true' : 'false') : (string) $v;
            $body .= Proto::bytes(1, Proto::bytes(1, (string) $k) . Proto::bytes(2, $v));
        }
        $this->call('jobs.Declare', $body);
    }

    /**
     * stat returns every pipeline's state.
     *
     * @return list<array{pipeline: string, driver: string, queue: string, active: int, delayed: int, reserved: int, ready: bool, priority: int}>
     */
    public function stat(): array
    {
        $out = [];
        foreach (Proto::fields($this->call('jobs.Stat', '')) as [$f, , $msg]) {
            if ($f !== 1) {
                continue;
            }
            $s = ['pipeline' => '', 'driver' => '', 'queue' => '', 'active' => 0, 'delayed' => 0, 'reserved' => 0, 'ready' => false, 'priority' => 0];
            $keys = [1 => 'pipeline', 2 => 'driver', 3 => 'queue', 4 => 'active', 5 => 'delayed', 6 => 'reserved', 7 => 'ready', 8 => 'priority'];
            foreach (Proto::fields((string) $msg) as [$n, , $v]) {
                if (isset($keys[$n])) {
                    $s[$keys[$n]] = $n === 7 ? (bool) $v : $v;
                }
            }
            $out[] = $s;
        }

        return $out;
    }

    /** @param array<string, string|list<string>> $headers */
    private static function job(string $pipeline, string $name, string $payload, int $priority, int $delay, bool $autoAck,
        array $headers, string $id): string
    {
        $b = Proto::bytes(1, $name) . Proto::bytes(2, $id) . Proto::bytes(3, $payload);
        foreach ($headers as $k => $values) {
            $hv = '';
            foreach ((array) $values as $v) {
                $hv .= Proto::bytes(1, (string) $v);
            }
            $b .= Proto::bytes(4, Proto::bytes(1, (string) $k) . Proto::bytes(2, $hv));
        }
        $opts = Proto::int(1, $priority) . Proto::bytes(2, $pipeline) . Proto::int(3, $delay) . Proto::bool(6, $autoAck);

        return $b . Proto::bytes(5, $opts);
    }

    /** @param list<string> $names */
    private static function names(array $names): string
    {
        $b = '';
        foreach ($names as $n) {
            $b .= Proto::bytes(1, $n);
        }

        return $b;
    }

    /** @return list<string> */
    private static function readNames(string $buf): array
    {
        $out = [];
        foreach (Proto::fields($buf) as [$f, , $v]) {
            if ($f === 1) {
                $out[] = (string) $v;
            }
        }

        return $out;
    }

    private function call(string $method, string $body): string
    {
        return $this->rpc->callRaw($method, $body, Frame::CODEC_PROTO);
    }

    private static function uuid(): string
    {
        $b = \random_bytes(16);
        $b[6] = \chr(\ord($b[6]) & 0x0f | 0x40);
        $b[8] = \chr(\ord($b[8]) & 0x3f | 0x80);

        return \vsprintf('%s%s-%s-%s-%s-%s%s%s', \str_split(\bin2hex($b), 4));
    }
}
