<?php

declare(strict_types=1);

namespace App;

use Phprun\Http\Request;

/**
 * App is the whole application: a router with two routes. One App object serves every request
 * of its worker, so whatever it keeps (like $requests) lives across requests; keep
 * per-request data in local variables.
 */
final class App
{
    private int $requests = 0;

    /**
     * handle answers one request.
     *
     * @return array{int, array<string, string>, string} status, headers and body
     */
    public function handle(Request $request): array
    {
        $this->requests++;

        return match ($request->method . ' ' . $request->path) {
            'GET /' => $this->home(),
            'GET /api/hello' => $this->hello((string) ($request->query['name'] ?? 'world')),
            default => [404, ['Content-Type' => 'text/plain; charset=utf-8'], "Not Found\n"],
        };
    }

    /** @return array{int, array<string, string>, string} */
    private function home(): array
    {
        $html = <<<'HTML'
            <!doctype html>
            <meta charset="utf-8">
            <title>phprun</title>
            <link rel="stylesheet" href="/style.css">
            <h1>Hello from phprun</h1>
            <p>This page comes from <code>src/App.php</code>. Try <a href="/api/hello?name=you">/api/hello?name=you</a>.</p>

            HTML;

        return [200, ['Content-Type' => 'text/html; charset=utf-8'], $html];
    }

    /** @return array{int, array<string, string>, string} */
    private function hello(string $name): array
    {
        $data = ['hello' => $name, 'worker' => \getmypid(), 'requests' => $this->requests];

        return [200, ['Content-Type' => 'application/json'], \json_encode($data, \JSON_THROW_ON_ERROR) . "\n"];
    }
}
