<?php

/**
 * psr7.php: a PSR-7 worker. It answers with JSON built from the PSR-7 request only:
 * {"method","uri","path","query","parsedBody","cookies","uploads":{field: size},
 *  "serverParams":{"REMOTE_ADDR","HTTP_HOST","REQUEST_METHOD"},"protocol","psr7":true}
 * and sets the header X-Psr7: nyholm. Uses nyholm/psr7 (Debian's php-nyholm-psr7 works).
 */

declare(strict_types=1);

use Psr\Http\Message\ResponseInterface;
use Psr\Http\Message\ServerRequestInterface;
use Psr\Http\Message\UploadedFileInterface;

require __DIR__ . '/../autoload.php';

$factory = \Phprun\Http\Psr7Worker::nyholmFactory();
$worker = new \Phprun\Http\Psr7Worker(\Phprun\Http\Worker::create(), $factory, $factory, $factory);

// A PSR-15-style handler: ServerRequestInterface in, ResponseInterface out.
$handle = static function (ServerRequestInterface $request) use ($factory): ResponseInterface {
    $sizes = [];
    $uploads = $request->getUploadedFiles();
    array_walk_recursive(
        $uploads,
        static function ($f, $k) use (&$sizes): void {
            if ($f instanceof UploadedFileInterface) {
                $sizes[$f->getClientFilename() ?? (string) $k] = $f->getSize();
            }
        },
    );
    $server = $request->getServerParams();
    $data = [
        'method' => $request->getMethod(),
        'uri' => (string) $request->getUri(),
        'path' => $request->getUri()->getPath(),
        'query' => (object) $request->getQueryParams(),
        'parsedBody' => $request->getParsedBody(),
        'body' => (string) $request->getBody(),
        'cookies' => (object) $request->getCookieParams(),
        'uploads' => (object) $sizes,
        'serverParams' => [
            'REMOTE_ADDR' => $server['REMOTE_ADDR'] ?? null,
            'HTTP_HOST' => $server['HTTP_HOST'] ?? null,
            'REQUEST_METHOD' => $server['REQUEST_METHOD'] ?? null,
        ],
        'protocol' => $request->getProtocolVersion(),
        'psr7' => true,
    ];

    return $factory->createResponse(200)
        ->withHeader('Content-Type', 'application/json')
        ->withHeader('X-Psr7', 'nyholm')
        ->withBody($factory->createStream(json_encode($data, JSON_UNESCAPED_SLASHES | JSON_THROW_ON_ERROR)));
};

while ($request = $worker->waitRequest()) {
    try {
        $worker->respond($handle($request));
    } catch (\Throwable $e) {
        $worker->error((string) $e);
    }
}
