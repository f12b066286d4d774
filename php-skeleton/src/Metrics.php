<?php

declare(strict_types=1);

namespace Phprun;

use Phprun\Exception\MetricsException;
use Phprun\Exception\RpcException;
use Phprun\Rpc\Client;

/**
 * Metrics sends application metrics to phprun's Prometheus endpoint over RPC (RoadRunner's
 * metrics.* methods, JSON codec), the calls spiral/roadrunner-metrics makes.
 *
 * <code>
 * $metrics = \Phprun\Metrics::create();                 // RR_RPC
 * $metrics->declare('orders', 'counter', help: 'Orders placed', labels: ['type']);
 * $metrics->add('orders', 1, ['web']);
 * $metrics->declare('latency', 'histogram', buckets: [0.1, 0.5, 1]);
 * $metrics->observe('latency', 0.27);
 * </code>
 *
 * Names may contain any character (they are shown with the invalid ones replaced by "_",
 * "bad name!" as bad_name_); label names must not start with "__" or repeat.
 */
final class Metrics
{
    public function __construct(private readonly Client $rpc)
    {
    }

    /** create connects to $address, or to RR_RPC from the environment. */
    public static function create(?string $address = null): self
    {
        return new self(Client::create($address));
    }

    /**
     * declare registers a metric: $type is counter, gauge, histogram or summary. Declaring the
     * same name again with the same type and labels does nothing; with another type it fails.
     *
     * @param list<string> $labels
     * @param list<float> $buckets histogram bounds
     * @param array<string, float> $objectives summary quantiles, e.g. ['0.5' => 0.05]
     */
    public function declare(
        string $name,
        string $type,
        string $help = '',
        array $labels = [],
        array $buckets = [],
        array $objectives = [],
        string $namespace = '',
        string $subsystem = '',
    ): void {
        $collector = [
            'namespace' => $namespace,
            'subsystem' => $subsystem,
            'type' => $type,
            'help' => $help,
            'labels' => \array_values($labels),
            'buckets' => \array_values(\array_map('floatval', $buckets)),
        ];
        if ($objectives !== []) {
            $collector['objectives'] = (object) \array_map('floatval', $objectives);
        }
        $this->call('metrics.Declare', ['name' => $name, 'collector' => $collector]);
    }

    /** add adds $value to a counter or gauge. @param list<string> $labels label values */
    public function add(string $name, float $value, array $labels = []): void
    {
        $this->call('metrics.Add', self::metric($name, $value, $labels));
    }

    /** sub subtracts $value from a gauge. @param list<string> $labels */
    public function sub(string $name, float $value, array $labels = []): void
    {
        $this->call('metrics.Sub', self::metric($name, $value, $labels));
    }

    /** set sets a gauge. @param list<string> $labels */
    public function set(string $name, float $value, array $labels = []): void
    {
        $this->call('metrics.Set', self::metric($name, $value, $labels));
    }

    /** observe records $value in a histogram or summary. @param list<string> $labels */
    public function observe(string $name, float $value, array $labels = []): void
    {
        $this->call('metrics.Observe', self::metric($name, $value, $labels));
    }

    /** unregister removes a declared metric from the endpoint. */
    public function unregister(string $name): void
    {
        $this->call('metrics.Unregister', $name);
    }

    /** @param list<string> $labels */
    private static function metric(string $name, float $value, array $labels): array
    {
        return ['name' => $name, 'value' => $value, 'labels' => \array_values(\array_map('strval', $labels))];
    }

    private function call(string $method, mixed $argument): void
    {
        try {
            $this->rpc->call($method, $argument);
        } catch (RpcException $e) {
            throw new MetricsException($e->getMessage(), 0, $e);
        }
    }
}
