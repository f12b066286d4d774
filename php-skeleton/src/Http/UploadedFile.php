<?php

declare(strict_types=1);

namespace Phprun\Http;

use Phprun\Exception\RuntimeException;

/**
 * UploadedFile is one file of a multipart request (PROTOCOL.md 3.5). The server deletes the
 * temporary file once the response has been written, so read or move it during the request.
 */
final class UploadedFile
{
    public function __construct(
        public readonly string $name,
        public readonly string $mime,
        public readonly int $size,
        public readonly int $error,
        public readonly string $tmpName,
    ) {
    }

    /**
     * fromArray builds a file from the server's {"name","mime","size","error","tmpName"} object.
     *
     * @param array<string, mixed> $a
     */
    public static function fromArray(array $a): self
    {
        return new self(
            (string) ($a['name'] ?? ''),
            (string) ($a['mime'] ?? ''),
            (int) ($a['size'] ?? 0),
            (int) ($a['error'] ?? \UPLOAD_ERR_NO_FILE),
            (string) ($a['tmpName'] ?? ''),
        );
    }

    /**
     * isLeaf tells a file object apart from a branch of the uploads tree (a field named "name"
     * holding files is a branch, because its "name" is not a string).
     */
    public static function isLeaf(mixed $node): bool
    {
        return \is_array($node) && \array_key_exists('tmpName', $node) && \array_key_exists('error', $node)
            && \is_string($node['name'] ?? null);
    }

    public function isOk(): bool
    {
        return $this->error === \UPLOAD_ERR_OK && $this->tmpName !== '';
    }

    /**
     * contents returns the file's bytes.
     */
    public function contents(): string
    {
        if (!$this->isOk()) {
            throw new RuntimeException(\sprintf('phprun: upload "%s" has no content (error %d)', $this->name, $this->error));
        }
        $data = @\file_get_contents($this->tmpName);
        if ($data === false) {
            throw new RuntimeException(\sprintf('phprun: cannot read upload "%s" from %s', $this->name, $this->tmpName));
        }

        return $data;
    }

    /**
     * moveTo keeps the file beyond the request by moving (or copying) it to $target.
     */
    public function moveTo(string $target): void
    {
        if (!$this->isOk()) {
            throw new RuntimeException(\sprintf('phprun: upload "%s" cannot be moved (error %d)', $this->name, $this->error));
        }
        if (!@\rename($this->tmpName, $target) && !@\copy($this->tmpName, $target)) {
            throw new RuntimeException(\sprintf('phprun: cannot move upload "%s" to %s', $this->name, $target));
        }
    }
}
