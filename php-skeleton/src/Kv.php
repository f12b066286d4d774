<?php

declare(strict_types=1);

namespace Phprun;

use Phprun\Kv\Store;

/*
 * Kv is the kv storage client (see Kv\Store). When psr/simple-cache 2 or 3 is installed it also
 * implements Psr\SimpleCache\CacheInterface, so frameworks take it as their PSR-16 cache;
 * without it (no Composer at all) it is the same class minus the interface.
 *
 * <code>
 * $cache = \Phprun\Kv::create('local');   // RR_RPC; the storage name from kv: in the config
 * $cache->set('user:1', ['name' => 'Ann'], 300);
 * $user = $cache->get('user:1');
 * </code>
 */
if (\interface_exists(\Psr\SimpleCache\CacheInterface::class)
    && (new \ReflectionMethod(\Psr\SimpleCache\CacheInterface::class, 'get'))->getParameters()[0]->hasType()) {
    final class Kv extends Store implements \Psr\SimpleCache\CacheInterface
    {
    }
} else {
    final class Kv extends Store
    {
    }
}
