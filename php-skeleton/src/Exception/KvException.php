<?php

declare(strict_types=1);

namespace Phprun\Exception;

/**
 * KvException reports a failed kv call: an unknown storage, a refused value, a storage error.
 * It also implements Psr\SimpleCache\CacheException when psr/simple-cache is installed.
 */
class KvException extends RpcException
{
}
