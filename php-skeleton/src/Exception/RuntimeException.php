<?php

declare(strict_types=1);

namespace Phprun\Exception;

/**
 * RuntimeException is the base of every error the phprun runtime throws.
 */
class RuntimeException extends \RuntimeException
{
}
