<?php

declare(strict_types=1);

namespace Phprun\Exception;

/**
 * RelayClosedException reports a relay whose input ended cleanly between frames: the server
 * closed it, or (before the first frame) no server was ever there.
 */
class RelayClosedException extends RelayException
{
}
