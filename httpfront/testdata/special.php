<?php

/**
 * special.php: a test worker for httpfront's response mapping. It speaks through the phprun
 * runtime's core Worker so that it can send contexts the HTTP layer would never produce
 * (status 999, broken JSON, flags 0 vs 0x08, multi-value headers, trailers).
 */

declare(strict_types=1);

use Phprun\Payload;

require __DIR__ . '/../../php-skeleton/autoload.php';

$w = \Phprun\Worker::create();
while ($p = $w->waitPayload()) {
    $ctx = json_decode($p->header, true);
    $path = parse_url($ctx['uri'], PHP_URL_PATH);
    parse_str($ctx['rawQuery'], $q);
    switch ($path) {
        case '/status':
            $w->respond(new Payload('status body', '{"status":' . (int) $q['code'] . ',"headers":{}}'), 0x08);
            break;
        case '/broken':
            $w->respond(new Payload('x', '{"status":200,"headers":'), 0x08);
            break;
        case '/proto':
            $w->respond(new Payload('x', "\x08\xc8\x01"), 0x80);
            break;
        case '/noheaders':
            // Old http-php: flags 0, empty headers as [].
            $w->respond(new Payload('old style', '{"status":201,"headers":[]}'), 0);
            break;
        case '/error':
            $w->error('boom from php');
            break;
        case '/exit':
            exit(3);
        case '/sleep':
            usleep((int) ($q['ms'] ?? 100) * 1000);
            $w->respond(new Payload('slept', '{"status":200,"headers":{}}'), 0x08);
            break;
        case '/headers':
            $h = ['Set-Cookie' => ['a=1', 'b=2'], 'x-multi' => ['one', 'two'], 'X-Trail' => ['t-value'],
                'Trailer' => ['X-Trail'], 'Content-Type' => ['text/plain']];
            $w->respond(new Payload('with headers', json_encode(['status' => 202, 'headers' => $h])), 0x08);
            break;
        case '/big':
            $type = $q['type'] ?? 'text/plain';
            $w->respond(new Payload(str_repeat("phprun compresses text well. ", 400), json_encode(['status' => 200, 'headers' => ['Content-Type' => [$type]]])), 0x08);
            break;
        case '/body':
            $w->respond(new Payload($p->body, json_encode(['status' => 200, 'headers' => ['Content-Type' => ['application/octet-stream']]])), 0x08);
            break;
        case '/onlyhint':
            // A lone 103 as the final frame is a protocol error.
            $w->respond(new Payload('', '{"status":103,"headers":{"Link":["</a.css>; rel=preload"]}}'), 0x08);
            break;
        case '/cut':
            // A streamed response cut after two frames: by kill -9 (how=kill), or by
            // hanging past exec_ttl (how=hang).
            $w->respond(new Payload("part one\n", '{"status":200,"headers":{"Content-Type":["text/plain"]}}'), 0x08, false);
            $w->respond(new Payload("part two\n", ''), 0x08, false);
            if (($q['how'] ?? 'kill') === 'kill') {
                exec('kill -9 ' . getmypid());
            }
            sleep(30);
            break;
        case '/large':
            // One frame of mb MiB: "0123456789abcdef" repeated.
            $body = str_repeat('0123456789abcdef', (int) ($q['mb'] ?? 1) * 65536);
            $w->respond(new Payload($body, '{"status":200,"headers":{"Content-Type":["application/octet-stream"]}}'), 0x08);
            unset($body);
            break;
        case '/nobody':
            // A 204 or 304 with a body: the body must be dropped quietly.
            $w->respond(new Payload('not allowed', '{"status":' . (int) $q['code'] . ',"headers":{}}'), 0x08);
            break;
        case '/ctl':
            // Control bytes in a header value (NUL, ESC, DEL).
            $h = ['X-Nul' => ["a\0b"], 'X-Esc' => ["\x1b[31m"], 'X-Del' => ["x\x7f"], 'X-Ok' => ["tab\tok"]];
            $w->respond(new Payload('ctl', json_encode(['status' => 200, 'headers' => $h])), 0x08);
            break;
        default:
            $w->respond(new Payload('hello', '{"status":200,"headers":{"Content-Type":["text/plain"]}}'), 0x08);
    }
}
