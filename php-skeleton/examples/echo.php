<?php

/**
 * echo.php: answers every request with a JSON description of what the worker received, so the
 * server's request mapping can be checked end to end. For each upload it also reports whether
 * the temporary file exists and the sha1 of its content.
 */

declare(strict_types=1);

use Phprun\Http\UploadedFile;

require __DIR__ . '/../autoload.php';

/**
 * @param array<string|int, mixed> $tree
 * @return array<string|int, mixed>
 */
function describeUploads(array $tree): array
{
    $out = [];
    foreach ($tree as $key => $node) {
        if ($node instanceof UploadedFile) {
            $exists = $node->tmpName !== '' && is_file($node->tmpName);
            $out[$key] = [
                'name' => $node->name,
                'mime' => $node->mime,
                'size' => $node->size,
                'error' => $node->error,
                'tmpName' => $node->tmpName,
                'exists' => $exists,
                'sha1' => $exists ? sha1_file($node->tmpName) : null,
            ];
        } else {
            $out[$key] = describeUploads($node);
        }
    }

    return $out;
}

$worker = \Phprun\Http\Worker::create();
while ($req = $worker->waitRequest()) {
    try {
        $attributes = $req->attributes;
        $data = [
            'method' => $req->method,
            'uri' => $req->uri,
            'path' => $req->path,
            'rawQuery' => $req->rawQuery,
            'query' => (object) $req->query,
            'headers' => (object) $req->headers,
            'cookies' => (object) $req->cookies,
            'parsedBody' => $req->parsedBody === null ? null : (object) $req->parsedBody,
            'body' => $req->body,
            'uploads' => (object) describeUploads($req->uploads),
            'remoteAddr' => $req->remoteAddr,
            'protocol' => $req->protocol,
            'attributes' => (object) $attributes,
            'pid' => getmypid(),
        ];
        $json = json_encode($data, JSON_UNESCAPED_SLASHES | JSON_INVALID_UTF8_SUBSTITUTE | JSON_THROW_ON_ERROR);
        $worker->respond(200, $json, ['Content-Type' => ['application/json']]);
    } catch (\Throwable $e) {
        $worker->error((string) $e);
    }
}
