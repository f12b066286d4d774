<?php

declare(strict_types=1);

namespace Phprun\Exception;

/**
 * RpcException reports an RPC call the server answered with an error, or a malformed RPC reply.
 */
class RpcException extends RuntimeException
{
}
