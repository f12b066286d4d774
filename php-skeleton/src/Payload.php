<?php

declare(strict_types=1);

namespace Phprun;

/**
 * Payload is one job exchanged with the server: a context header (JSON for HTTP) and a body.
 * On the wire they travel as one frame whose single option is the header length.
 */
final class Payload
{
    public function __construct(
        public readonly string $body = '',
        public readonly string $header = '',
        public readonly int $flags = 0,
    ) {
    }
}
