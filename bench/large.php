<?php

/**
 * large.php: the worker of bench/hardening.sh.
 *   /large?mb=N   one response frame of N MiB ("0123456789abcdef" repeated)
 *   /stream?mb=N  N MiB as a streamed response, 1 MiB per frame
 */

declare(strict_types=1);

require __DIR__ . '/../php-skeleton/autoload.php';

$worker = \Phprun\Http\Worker::create();
while ($req = $worker->waitRequest()) {
    $mb = max(1, min(4096, (int) ($req->query['mb'] ?? 1)));
    $chunk = str_repeat('0123456789abcdef', 65536);
    if ($req->path === '/stream') {
        $body = (static function () use ($mb, $chunk): \Generator {
            for ($i = 0; $i < $mb; $i++) {
                yield $chunk;
            }
        })();
        $worker->respond(200, $body, ['Content-Type' => ['application/octet-stream']]);
        continue;
    }
    $worker->respond(200, str_repeat($chunk, $mb), ['Content-Type' => ['application/octet-stream']]);
}
