<?php

/**
 * bench.php: µs per request for the hello worker's hot path, in-process over php://memory:
 * read frame → decode JSON context into a Request → respond(200, "Hello, World!", headers) →
 * encode and write the reply frame.
 *
 *   php -d opcache.enable_cli=1 -d opcache.jit=off bench/bench.php [iterations]
 *
 * The request context is what phprun sends for a typical browser GET (8 headers, 2 cookies).
 */

declare(strict_types=1);

require __DIR__ . '/../autoload.php';

use Phprun\Frame;
use Phprun\Http\Worker as HttpWorker;
use Phprun\Relay\StreamRelay;
use Phprun\Worker;

$iterations = max(1000, (int) ($argv[1] ?? 200000));

$context = json_encode([
    'remoteAddr' => '127.0.0.1',
    'protocol' => 'HTTP/1.1',
    'method' => 'GET',
    'uri' => 'http://localhost:8080/hello?name=world&page=2',
    'headers' => [
        'Accept' => ['text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'],
        'Accept-Encoding' => ['gzip, deflate, br'],
        'Accept-Language' => ['en-US,en;q=0.5'],
        'Connection' => ['keep-alive'],
        'Cookie' => ['session=abc123; theme=dark'],
        'Upgrade-Insecure-Requests' => ['1'],
        'User-Agent' => ['Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0'],
        'X-Request-Id' => ['0b9f3a52-6d1c-4c1e-9c1f-2a4f2f0b7d11'],
    ],
    'cookies' => ['session' => 'abc123', 'theme' => 'dark'],
    'rawQuery' => 'name=world&page=2',
    'parsed' => false,
    'uploads' => null,
    'attributes' => new stdClass(),
], JSON_UNESCAPED_SLASHES);
$frame = Frame::encode($context, Frame::CODEC_JSON, [strlen($context)]);

$in = fopen('php://memory', 'w+b');
$out = fopen('php://memory', 'w+b');
fwrite($in, $frame);
$worker = new HttpWorker(new Worker(new StreamRelay($in, $out, 'memory'), false));
$headers = ['Content-Type' => ['text/plain; charset=utf-8']];

$run = static function (int $n) use ($worker, $in, $out, $headers): float {
    $start = hrtime(true);
    for ($i = 0; $i < $n; $i++) {
        rewind($in);
        rewind($out);
        $req = $worker->waitRequest();
        $worker->respond(200, 'Hello, World!', $headers);
    }

    return (hrtime(true) - $start) / 1e3 / $n;
};

// Correctness check of one exchange before timing.
rewind($in);
$req = $worker->waitRequest();
$worker->respond(200, 'Hello, World!', $headers);
$reply = Frame::decode((string) stream_get_contents($out, -1, 0));
if ($req?->query !== ['name' => 'world', 'page' => '2'] || !str_ends_with($reply->payload, 'Hello, World!')) {
    fwrite(STDERR, "bench: wrong result\n");
    exit(1);
}

$run(intdiv($iterations, 10)); // warm-up
$best = INF;
for ($round = 0; $round < 5; $round++) {
    $best = min($best, $run($iterations));
}
$frameOnly = (static function (int $n) use ($frame): float {
    $start = hrtime(true);
    for ($i = 0; $i < $n; $i++) {
        Frame::decode($frame);
        Frame::encode('{"status":200,"headers":{}}Hello, World!', Frame::CODEC_JSON, [27]);
    }

    return (hrtime(true) - $start) / 1e3 / $n;
})($iterations);

printf(
    "phprun PHP runtime: %.2f µs/request (decode + respond, hello worker, best of 5 x %d), frame decode+encode alone %.2f µs; PHP %s, opcache %s, jit %s\n",
    $best,
    $iterations,
    $frameOnly,
    PHP_VERSION,
    ini_get('opcache.enable_cli') ? 'on' : 'off',
    (function_exists('opcache_get_status') && (opcache_get_status(false)['jit']['on'] ?? false)) ? 'on' : 'off',
);
