<?php

declare(strict_types=1);

namespace Phprun\Exception;

/**
 * RelayException reports a relay that cannot be parsed, connected, read or written (e.g. a closed pipe).
 */
class RelayException extends RuntimeException
{
}
