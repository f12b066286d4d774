<?php

/**
 * pipes.php: round-trip µs per request between this process (playing the server) and a real
 * examples/hello.php worker over OS pipes, one request in flight. It includes both processes'
 * work and two context switches, so it bounds what any server can get from one PHP worker.
 *
 *   php -d opcache.enable_cli=1 bench/pipes.php [iterations]
 */

declare(strict_types=1);

require __DIR__ . '/../autoload.php';

use Phprun\Frame;
use Phprun\Relay\StreamRelay;

$iterations = max(1000, (int) ($argv[1] ?? 50000));
$proc = proc_open(
    [PHP_BINARY, '-d', 'opcache.enable_cli=' . (int) ini_get('opcache.enable_cli'), __DIR__ . '/../examples/hello.php'],
    [0 => ['pipe', 'r'], 1 => ['pipe', 'w'], 2 => STDERR],
    $pipes,
    null,
    ['RR_RELAY' => 'pipes', 'RR_MODE' => 'http'],
);
if (!is_resource($proc)) {
    fwrite(STDERR, "pipes: cannot start worker\n");
    exit(1);
}
$relay = new StreamRelay($pipes[1], $pipes[0], 'worker');
$relay->send(Frame::encode('{"pid":' . getmypid() . '}', Frame::CONTROL | Frame::CODEC_JSON));
$relay->receive();

$ctx = '{"remoteAddr":"127.0.0.1","protocol":"HTTP/1.1","method":"GET","uri":"http://localhost:8080/","headers":{"Accept":["*/*"],"User-Agent":["bench"]},"cookies":{},"rawQuery":"","parsed":false,"uploads":null,"attributes":{}}';
$frame = Frame::encode($ctx, Frame::CODEC_JSON, [strlen($ctx)]);
for ($i = 0; $i < 1000; $i++) { // warm-up
    $relay->send($frame);
    $relay->receive();
}
$start = hrtime(true);
for ($i = 0; $i < $iterations; $i++) {
    $relay->send($frame);
    $reply = $relay->receive();
}
$us = (hrtime(true) - $start) / 1e3 / $iterations;
$ok = str_ends_with($reply->payload, 'Hello, World!');
$relay->send(Frame::encode('{"stop":true}', Frame::CONTROL | Frame::CODEC_JSON));
fclose($pipes[0]);
fclose($pipes[1]);
$code = proc_close($proc);
printf("phprun PHP runtime over pipes: %.2f µs/round trip (hello worker, %d requests), reply %s, worker exit %d\n", $us, $iterations, $ok ? 'ok' : 'WRONG', $code);
exit($ok && $code === 0 ? 0 : 1);
