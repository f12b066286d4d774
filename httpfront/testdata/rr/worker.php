<?php

/**
 * worker.php MODE: phprun's stand-ins for RoadRunner's HTTP test workers (roadrunner-server/http
 * tests/php_test_files), written on the phprun runtime. Each mode answers the way the RoadRunner
 * worker of the same purpose does, so rrparity_test.go can assert what RoadRunner's tests assert.
 *
 *   ip          body = the client address the server reported (http/ip.php)
 *   pid         body = the worker's PID (http/pid.php)
 *   xsendfile   200 with X-Sendfile naming ?file= and a header of its own (workers/xsendfile.php)
 *   debugfail   fails every request with an exception's text (workers/worker-debugmode-fail.php)
 *   upload      JSON of the uploaded files: name, size, error, sha1 (http/upload.php)
 *   hints       100, 102 and 103 interim responses, then 200 (streams/psr-103-http-code.php)
 *   echo        body = the ?hello= query value, upper-cased, status 201 (http/client.php echo)
 */

declare(strict_types=1);

use Phprun\Http\UploadedFile;

require __DIR__ . '/../../../php-skeleton/autoload.php';

$mode = $argv[1] ?? 'echo';

/**
 * @param array<string|int, mixed> $tree
 * @return array<string|int, mixed>
 */
function uploadsTree(array $tree): array
{
    $out = [];
    foreach ($tree as $key => $node) {
        if ($node instanceof UploadedFile) {
            $ok = $node->error === 0 && is_file($node->tmpName);
            $out[$key] = ['name' => $node->name, 'size' => $node->size, 'error' => $node->error,
                'sha1' => $ok ? sha1_file($node->tmpName) : ''];
        } else {
            $out[$key] = uploadsTree($node);
        }
    }

    return $out;
}

$w = \Phprun\Http\Worker::create();
while ($req = $w->waitRequest()) {
    try {
        switch ($mode) {
            case 'ip':
                $w->respond(200, $req->remoteAddr);
                break;
            case 'pid':
                $w->respond(200, (string) getmypid());
                break;
            case 'xsendfile':
                $w->respond(200, 'worker body, replaced by the file', ['X-Sendfile' => (string) ($req->query['file'] ?? ''), 'X-Worker' => 'kept']);
                break;
            case 'debugfail':
                throw new \Exception('test <b>');
            case 'upload':
                $w->respond(200, json_encode(uploadsTree($req->uploads), JSON_THROW_ON_ERROR), ['Content-Type' => 'application/json']);
                break;
            case 'hints':
                $w->respond(100, '', ['X-100' => '100'], false);
                $w->respond(102, '', ['X-102' => '102'], false);
                $w->respond(103, '', ['X-103' => '103', 'Link' => '</style111.css>; rel=preload; as=style'], false);
                $w->respond(200, 'final', ['X-200' => '200']);
                break;
            default:
                $w->respond(201, strtoupper((string) ($req->query['hello'] ?? '')));
        }
    } catch (\Throwable $e) {
        $w->error((string) $e);
    }
}
