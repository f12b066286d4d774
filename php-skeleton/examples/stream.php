<?php

/**
 * stream.php: streamed responses.
 *   /...?chunks=N[&ms=M]  streams N chunks (default 5, at most 10000) "chunk i\n" from a Generator,
 *                          pausing M ms between them (default 0), then a final "done\n".
 *   /early-hints           sends 103 Early Hints (Link: </style.css>; rel=preload; as=style)
 *                          and then a 200 "early hints sent\n".
 * A stopped stream (client gone) is logged to stderr as "stream.php: stopped after i chunks".
 */

declare(strict_types=1);

use Phprun\Exception\StreamStoppedException;

require __DIR__ . '/../autoload.php';

$worker = \Phprun\Http\Worker::create();
while ($req = $worker->waitRequest()) {
    if ($req->path === '/early-hints') {
        $worker->respond(103, '', ['Link' => ['</style.css>; rel=preload; as=style']], false);
        $worker->respond(200, "early hints sent\n", ['Content-Type' => ['text/plain']]);
        continue;
    }
    $n = max(0, min(10000, (int) ($req->query['chunks'] ?? 5)));
    $ms = max(0, min(10000, (int) ($req->query['ms'] ?? 0)));
    $body = (static function () use ($n, $ms): \Generator {
        $i = 0;
        try {
            for ($i = 1; $i <= $n; $i++) {
                yield "chunk {$i}\n";
                if ($ms > 0) {
                    usleep($ms * 1000);
                }
            }
        } catch (StreamStoppedException) {
            fwrite(STDERR, 'stream.php: stopped after ' . ($i - 1) . " chunks\n");

            return '';
        }

        return "done\n";
    })();
    $worker->respond(200, $body, ['Content-Type' => ['text/plain']]);
}
