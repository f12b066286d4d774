<?php

declare(strict_types=1);

namespace App;

use Psr\Http\Message\ResponseFactoryInterface;
use Psr\Http\Message\ResponseInterface;
use Psr\Http\Message\ServerRequestInterface;
use Psr\Http\Message\StreamFactoryInterface;

/**
 * App is the whole application: a router with two routes, as a PSR-15 style handler
 * (handle() has RequestHandlerInterface's signature). One App object serves every request of
 * its worker, so whatever it keeps (like $requests) lives across requests.
 */
final class App
{
    private int $requests = 0;

    public function __construct(
        private readonly ResponseFactoryInterface $responses,
        private readonly StreamFactoryInterface $streams,
    ) {
    }

    public function handle(ServerRequestInterface $request): ResponseInterface
    {
        $this->requests++;

        return match ($request->getMethod() . ' ' . $request->getUri()->getPath()) {
            'GET /' => $this->home(),
            'GET /api/hello' => $this->hello((string) ($request->getQueryParams()['name'] ?? 'world')),
            default => $this->respond(404, 'text/plain; charset=utf-8', "Not Found\n"),
        };
    }

    private function home(): ResponseInterface
    {
        $html = <<<'HTML'
            <!doctype html>
            <meta charset="utf-8">
            <title>phprun</title>
            <link rel="stylesheet" href="/style.css">
            <h1>Hello from phprun</h1>
            <p>This page comes from <code>src/App.php</code>. Try <a href="/api/hello?name=you">/api/hello?name=you</a>.</p>

            HTML;

        return $this->respond(200, 'text/html; charset=utf-8', $html);
    }

    private function hello(string $name): ResponseInterface
    {
        $data = ['hello' => $name, 'worker' => \getmypid(), 'requests' => $this->requests];

        return $this->respond(200, 'application/json', \json_encode($data, \JSON_THROW_ON_ERROR) . "\n");
    }

    private function respond(int $status, string $contentType, string $body): ResponseInterface
    {
        return $this->responses->createResponse($status)
            ->withHeader('Content-Type', $contentType)
            ->withBody($this->streams->createStream($body));
    }
}
