<?php

declare(strict_types=1);

namespace Phprun\Exception;

/**
 * StreamStoppedException is thrown into a streaming Generator when the server cancels the stream (STOP).
 */
class StreamStoppedException extends RuntimeException
{
}
