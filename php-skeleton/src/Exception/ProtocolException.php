<?php

declare(strict_types=1);

namespace Phprun\Exception;

/**
 * ProtocolException reports bytes that are not a valid frame or message (garbled, truncated, unknown control).
 */
class ProtocolException extends RuntimeException
{
}
