<?php

declare(strict_types=1);

namespace Phprun\Output;

/**
 * OutputRedirect keeps everything the application prints off stdout, which is the relay in
 * pipes mode: echo, print, var_dump, print_r and displayed errors go to stderr instead, where the
 * server logs them as worker output.
 *
 * It works like spiral/roadrunner-worker's StdoutHandler: an output buffer with chunk size 1
 * whose handler writes each chunk to STDERR and returns nothing to the SAPI. The buffer is not
 * removable, so an application calling ob_end_clean() once too often cannot switch it off.
 * The state lives in PHP's output-handler stack, so install() is idempotent without statics.
 */
final class OutputRedirect
{
    public const HANDLER_NAME = self::class . '::handle';

    /** Printed when a status-changing header() or http_response_code() call is detected. */
    public const HEADER_WARNING = 'phprun: header()/http_response_code() has no effect in a phprun worker '
        . '(status %d was set and is ignored); pass status and headers to $worker->respond(status, body, headers) '
        . 'or return them on your PSR-7 response instead';

    /**
     * install starts the redirection unless it is already active, and routes displayed errors
     * to stderr as well.
     */
    public static function install(): void
    {
        if (self::installed()) {
            return;
        }
        $display = \strtolower((string) \ini_get('display_errors'));
        if ($display === '1' || $display === 'on' || $display === 'stdout' || $display === 'true') {
            \ini_set('display_errors', 'stderr');
        }
        \ob_start(
            [self::class, 'handle'],
            1,
            \PHP_OUTPUT_HANDLER_CLEANABLE | \PHP_OUTPUT_HANDLER_FLUSHABLE,
        );
        // Status-setting header() calls (Location, "HTTP/1.1 404", the third argument) and
        // http_response_code() leave a trace here; plain header() calls leave none in php-cli.
        \http_response_code(200);
    }

    public static function installed(): bool
    {
        return \in_array(self::HANDLER_NAME, \ob_list_handlers(), true);
    }

    /**
     * handle is the output buffer callback: it forwards every chunk to STDERR.
     *
     * @internal
     */
    public static function handle(string $chunk, int $phase): string
    {
        if ($chunk !== '') {
            \fwrite(\STDERR, $chunk);
        }

        return '';
    }

    /**
     * checkHeaders warns once per offending request when application code tried to set a status
     * through PHP's header functions, then resets the status so the next request starts clean.
     * The workers call it after each response.
     */
    public static function checkHeaders(): void
    {
        $code = \http_response_code();
        if ($code !== 200 && $code !== false) {
            \fwrite(\STDERR, \sprintf(self::HEADER_WARNING, $code) . "\n");
            \http_response_code(200);
        }
    }
}
