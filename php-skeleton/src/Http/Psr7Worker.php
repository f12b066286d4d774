<?php

declare(strict_types=1);

namespace Phprun\Http;

use Phprun\Environment;
use Phprun\Exception\RuntimeException;
use Psr\Http\Message\ResponseInterface;
use Psr\Http\Message\ServerRequestFactoryInterface;
use Psr\Http\Message\ServerRequestInterface;
use Psr\Http\Message\StreamFactoryInterface;
use Psr\Http\Message\UploadedFileFactoryInterface;
use Psr\Http\Message\UploadedFileInterface;

/**
 * Psr7Worker adapts the HTTP worker to PSR-7: waitRequest() returns a ServerRequestInterface
 * built with any PSR-17 factories, respond() takes a ResponseInterface. A PSR-15 application
 * runs unchanged: `$worker->respond($app->handle($request))`.
 *
 * It needs the PSR-7/PSR-17 interfaces and an implementation; create() finds nyholm/psr7
 * through Composer or Debian's php-nyholm-psr7 (/usr/share/php).
 */
final class Psr7Worker
{
    /** When > 0, response bodies larger than this many bytes are streamed in chunks of this size. */
    public int $chunkSize = 0;

    /** @var array<string, mixed> $_SERVER at start-up, the base of every request's server params */
    private readonly array $baseServer;

    public function __construct(
        private readonly Worker $worker,
        private readonly ServerRequestFactoryInterface $requestFactory,
        private readonly StreamFactoryInterface $streamFactory,
        private readonly UploadedFileFactoryInterface $uploadsFactory,
    ) {
        $this->baseServer = $_SERVER;
    }

    /**
     * create builds a PSR-7 worker on RR_RELAY using nyholm/psr7's Psr17Factory.
     */
    public static function create(?Environment $env = null): self
    {
        $factory = self::nyholmFactory();

        return new self(Worker::create($env), $factory, $factory, $factory);
    }

    public function httpWorker(): Worker
    {
        return $this->worker;
    }

    /**
     * waitRequest returns the next request, or null when the worker must exit.
     */
    public function waitRequest(): ?ServerRequestInterface
    {
        $req = $this->worker->waitRequest();

        return $req === null ? null : $this->toPsr7($req);
    }

    /**
     * respond sends a PSR-7 response. The body is sent in one frame, or streamed when
     * $chunkSize is set and the body is larger.
     */
    public function respond(ResponseInterface $response): void
    {
        $headers = $response->getHeaders();
        $body = $response->getBody();
        $size = $body->getSize();
        if ($this->chunkSize > 0 && ($size === null || $size > $this->chunkSize)) {
            $this->worker->respond($response->getStatusCode(), self::chunks($body, $this->chunkSize), $headers);

            return;
        }
        if ($body->isSeekable()) {
            $body->rewind();
        }
        $this->worker->respond($response->getStatusCode(), $body->getContents(), $headers);
    }

    /**
     * error fails the current request (HTTP 500) and keeps the worker.
     */
    public function error(string $message): void
    {
        $this->worker->error($message);
    }

    /**
     * stop asks the server to replace this worker.
     */
    public function stop(): void
    {
        $this->worker->stop();
    }

    /**
     * toPsr7 maps a phprun Request onto a PSR-7 server request (PROTOCOL.md 3.6).
     */
    public function toPsr7(Request $req): ServerRequestInterface
    {
        $psr = $this->requestFactory->createServerRequest($req->method, $req->uri, $req->serverParams($this->baseServer))
            ->withProtocolVersion($req->protocolVersion())
            ->withCookieParams($req->cookies)
            ->withQueryParams($req->query)
            ->withUploadedFiles($this->uploads($req->uploads));
        foreach ($req->attributes as $name => $value) {
            $psr = $psr->withAttribute((string) $name, $value);
        }
        foreach ($req->headers as $name => $values) {
            if (!\is_string($name) || $name === '') {
                continue;
            }
            try {
                $psr = $psr->withHeader($name, \array_map('strval', (array) $values));
            } catch (\InvalidArgumentException) {
                // A name or value the PSR-7 implementation refuses is dropped, not fatal.
            }
        }
        if ($req->parsedBody !== null) {
            $psr = $psr->withParsedBody($req->parsedBody);
        }
        if ($req->body !== '') {
            $psr = $psr->withBody($this->streamFactory->createStream($req->body));
        }

        return $psr;
    }

    /**
     * @param array<string|int, mixed> $tree
     * @return array<string|int, mixed>
     */
    private function uploads(array $tree): array
    {
        $out = [];
        foreach ($tree as $key => $node) {
            if ($node instanceof UploadedFile) {
                $out[$key] = $this->uploadedFile($node);
            } elseif (\is_array($node)) {
                $out[$key] = $this->uploads($node);
            }
        }

        return $out;
    }

    private function uploadedFile(UploadedFile $f): UploadedFileInterface
    {
        $stream = $f->isOk() && \is_file($f->tmpName)
            ? $this->streamFactory->createStreamFromFile($f->tmpName)
            : $this->streamFactory->createStream('');

        return $this->uploadsFactory->createUploadedFile($stream, $f->size, $f->error, $f->name, $f->mime);
    }

    private static function chunks(\Psr\Http\Message\StreamInterface $body, int $size): \Generator
    {
        if ($body->isSeekable()) {
            $body->rewind();
        }
        // Bounded by the stream's end.
        while (!$body->eof()) {
            $chunk = $body->read($size);
            if ($chunk === '') {
                break;
            }
            yield $chunk;
        }
    }

    /**
     * nyholmFactory returns nyholm/psr7's Psr17Factory, loading Debian's copy from the include
     * path when Composer has not made it available.
     */
    public static function nyholmFactory(): object
    {
        $class = 'Nyholm\\Psr7\\Factory\\Psr17Factory';
        if (!\class_exists($class)) {
            $file = \stream_resolve_include_path('Nyholm/Psr7/autoload.php');
            if ($file === false && \is_file('/usr/share/php/Nyholm/Psr7/autoload.php')) {
                $file = '/usr/share/php/Nyholm/Psr7/autoload.php';
            }
            if ($file !== false) {
                // Debian's autoload.php requires its PSR dependencies relative to the include path.
                \set_include_path(\get_include_path() . \PATH_SEPARATOR . \dirname($file, 3));
                require_once $file;
            }
        }
        if (!\class_exists($class)) {
            throw new RuntimeException('phprun: Psr7Worker needs a PSR-17 factory: install nyholm/psr7 with Composer or the php-nyholm-psr7 package, or pass factories to the constructor');
        }

        return new $class();
    }
}
