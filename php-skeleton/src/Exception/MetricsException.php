<?php

declare(strict_types=1);

namespace Phprun\Exception;

/**
 * MetricsException reports a refused metrics call: an undeclared metric, a wrong method for its
 * type, bad names or labels, or a conflicting declaration.
 */
class MetricsException extends RpcException
{
}
