<?php
// echo.php: a RoadRunner-protocol worker written directly against the
// goridge frame format (no library), for the engine's tests and benchmarks.
// It answers each job with the same context and body. A few contexts are
// commands for tests: "cmd:error" (soft error), "cmd:stop" (ask for a
// restart), "cmd:exit" (die mid-job), "cmd:leak" (keep body-size*1000
// bytes), "cmd:sleep" (sleep body ms, then echo), "cmd:pid" (reply getmypid()),
// "cmd:env" (reply the environment variable named by the body).

$relay = getenv('RR_RELAY') ?: 'pipes';
if ($relay === 'pipes') {
    $in = STDIN;
    $out = STDOUT;
} else {
    $s = stream_socket_client($relay, $errno, $errstr, 5);
    if ($s === false) {
        fwrite(STDERR, "connect $relay: $errstr\n");
        exit(1);
    }
    $in = $out = $s;
}

function readn($in, int $n): ?string {
    $buf = '';
    while (strlen($buf) < $n) {
        $chunk = fread($in, $n - strlen($buf));
        if ($chunk === false || $chunk === '') {
            if (feof($in)) {
                return null;
            }
            continue;
        }
        $buf .= $chunk;
    }
    return $buf;
}

function send($out, int $flags, string $payload, array $opts = [], int $byte10 = 0): void {
    $h = pack('CCV', 0x10 | (3 + count($opts)), $flags, strlen($payload));
    $h .= pack('VCC', crc32($h), $byte10, 0);
    foreach ($opts as $o) {
        $h .= pack('V', $o);
    }
    $data = $h . $payload;
    while ($data !== '') {
        $n = fwrite($out, $data);
        if ($n === false || $n === 0) {
            exit(1);
        }
        $data = substr($data, $n);
    }
}

$leak = [];
while (true) {
    $h = readn($in, 12);
    if ($h === null) {
        exit(0);
    }
    $hl = ord($h[0]) & 0x0F;
    $flags = ord($h[1]);
    $len = unpack('V', $h, 2)[1];
    $rest = readn($in, ($hl - 3) * 4 + $len);
    if ($rest === null) {
        exit(0);
    }
    $opts = $hl > 3 ? array_values(unpack('V' . ($hl - 3), $rest)) : [];
    $payload = substr($rest, ($hl - 3) * 4);
    if ($flags & 0x01) {
        $msg = json_decode($payload, true);
        if (!empty($msg['stop'])) {
            exit(0);
        }
        if (!empty($msg['pid'])) {
            send($out, 0x01, json_encode(['pid' => getmypid()]));
            continue;
        }
        fwrite(STDERR, "undefined control package\n");
        exit(1);
    }
    if ((ord($h[10]) & 0x0A) !== 0) {
        continue; // PONG or STOP outside a stream
    }
    $ctx = substr($payload, 0, $opts[0]);
    $body = substr($payload, $opts[0]);
    switch ($ctx) {
        case 'cmd:error':
            send($out, 0x40, 'boom');
            continue 2;
        case 'cmd:stop':
            send($out, 0, '{"stop":true}', [13]);
            continue 2;
        case 'cmd:exit':
            fwrite(STDERR, "dying on purpose\n");
            exit(3);
        case 'cmd:leak':
            $leak[] = str_repeat('x', (int)$body * 1000);
            break;
        case 'cmd:sleep':
            usleep((int)$body * 1000);
            break;
        case 'cmd:pid':
            $body = (string)getmypid();
            break;
        case 'cmd:env':
            $body = (string)getenv($body);
            break;
    }
    send($out, $flags, $ctx . $body, [strlen($ctx)]);
}
