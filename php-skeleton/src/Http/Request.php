<?php

declare(strict_types=1);

namespace Phprun\Http;

use Phprun\Exception\ProtocolException;

/**
 * Request is an HTTP request as the server describes it in the JSON context of PROTOCOL.md 3.2,
 * plus the raw body. Everything is decoded once, in fromContext(); the object is immutable.
 */
final class Request
{
    /** Attribute PHP libraries add to tell whether the body was parsed (http-php compatibility). */
    public const PARSED_BODY_ATTRIBUTE = 'rr_parsed_body';

    /** @var array<string, list<string>>|null lower-cased header names, built on first lookup */
    private ?array $lower = null;

    /**
     * @param array<string, mixed> $query parse_str() of the raw query (PHP bracket syntax)
     * @param array<string, list<string>> $headers canonical names; Host is not among them
     * @param array<string, string> $cookies
     * @param array<string, mixed>|null $parsedBody the form tree when the server parsed the body
     * @param array<string|int, mixed> $uploads tree whose leaves are UploadedFile
     * @param array<string, mixed> $attributes
     */
    public function __construct(
        public readonly string $method,
        public readonly string $uri,
        public readonly string $path,
        public readonly string $rawQuery,
        public readonly array $query,
        public readonly array $headers,
        public readonly array $cookies,
        public readonly ?array $parsedBody,
        public readonly string $body,
        public readonly array $uploads,
        public readonly string $remoteAddr,
        public readonly array $attributes,
        public readonly string $protocol,
    ) {
    }

    /**
     * fromContext decodes the server's JSON context and the frame body.
     *
     * @throws ProtocolException when the context is not the expected JSON object
     */
    public static function fromContext(string $context, string $body): self
    {
        $c = \json_decode($context, true);
        if (!\is_array($c) || !isset($c['method'], $c['uri'])) {
            throw new ProtocolException('phprun: request context is not a JSON object with method and uri: ' . \substr($context, 0, 200));
        }
        $uri = (string) $c['uri'];
        $rawQuery = (string) ($c['rawQuery'] ?? '');
        $query = [];
        if ($rawQuery !== '') {
            \parse_str($rawQuery, $query);
        }
        $path = \parse_url($uri, \PHP_URL_PATH);
        $parsed = !empty($c['parsed']);
        $parsedBody = null;
        if ($parsed) {
            $parsedBody = $body === '' ? [] : \json_decode($body, true);
            if (!\is_array($parsedBody)) {
                $parsedBody = [];
            }
        }
        $attributes = \is_array($c['attributes'] ?? null) ? $c['attributes'] : [];
        $attributes[self::PARSED_BODY_ATTRIBUTE] = $parsed;

        return new self(
            (string) $c['method'],
            $uri,
            \is_string($path) && $path !== '' ? $path : '/',
            $rawQuery,
            $query,
            \is_array($c['headers'] ?? null) ? $c['headers'] : [],
            \is_array($c['cookies'] ?? null) ? $c['cookies'] : [],
            $parsedBody,
            $body,
            \is_array($c['uploads'] ?? null) ? self::buildUploads($c['uploads']) : [],
            (string) ($c['remoteAddr'] ?? ''),
            $attributes,
            (string) ($c['protocol'] ?? 'HTTP/1.1'),
        );
    }

    /**
     * header returns the first value of a header (case-insensitive), or $default.
     */
    public function header(string $name, ?string $default = null): ?string
    {
        return $this->headerValues($name)[0] ?? $default;
    }

    /**
     * headerValues returns every value of a header (case-insensitive).
     *
     * @return list<string>
     */
    public function headerValues(string $name): array
    {
        if ($this->lower === null) {
            $this->lower = [];
            foreach ($this->headers as $k => $v) {
                $this->lower[\strtolower((string) $k)] = \array_values((array) $v);
            }
        }

        return $this->lower[\strtolower($name)] ?? [];
    }

    /**
     * protocolVersion returns the PSR-7 style version: "1.0", "1.1" or "2" (others become "1.1").
     */
    public function protocolVersion(): string
    {
        $v = \substr($this->protocol, 5);

        return match ($v) {
            '1.0', '1.1' => $v,
            '2', '2.0' => '2',
            default => '1.1',
        };
    }

    /**
     * serverParams returns $_SERVER-style values for this request, on top of $base (usually the
     * $_SERVER of the worker process at start-up).
     *
     * @param array<string, mixed> $base
     * @return array<string, mixed>
     */
    public function serverParams(array $base = []): array
    {
        $now = \microtime(true);
        $s = $base;
        $s['REQUEST_URI'] = $this->uri;
        $s['REQUEST_METHOD'] = $this->method;
        $s['REQUEST_TIME'] = (int) $now;
        $s['REQUEST_TIME_FLOAT'] = $now;
        $s['QUERY_STRING'] = $this->rawQuery;
        $s['SERVER_PROTOCOL'] = $this->protocol;
        $s['REMOTE_ADDR'] = (string) ($this->attributes['ipAddress'] ?? $this->remoteAddr);
        $s['HTTP_USER_AGENT'] = '';
        $u = \parse_url($this->uri);
        if (isset($u['host'])) {
            $s['HTTP_HOST'] = $u['host'] . (isset($u['port']) ? ':' . $u['port'] : '');
            $s['SERVER_NAME'] = $u['host'];
        }
        if (($u['scheme'] ?? '') === 'https') {
            $s['HTTPS'] = 'on';
        }
        foreach ($this->headers as $name => $values) {
            $key = \strtoupper(\str_replace('-', '_', (string) $name));
            $value = \implode(', ', (array) $values);
            if ($key === 'CONTENT_TYPE' || $key === 'CONTENT_LENGTH') {
                $s[$key] = $value;
            } else {
                $s['HTTP_' . $key] = $value;
            }
        }

        return $s;
    }

    /**
     * buildUploads turns the server's uploads tree into the same tree with UploadedFile leaves.
     *
     * @param array<string|int, mixed> $tree
     * @return array<string|int, mixed>
     */
    private static function buildUploads(array $tree, int $depth = 0): array
    {
        if ($depth > 128) {
            throw new ProtocolException('phprun: uploads tree is nested too deeply');
        }
        $out = [];
        foreach ($tree as $key => $node) {
            if (UploadedFile::isLeaf($node)) {
                $out[$key] = UploadedFile::fromArray($node);
            } elseif (\is_array($node)) {
                $out[$key] = self::buildUploads($node, $depth + 1);
            }
        }

        return $out;
    }
}
