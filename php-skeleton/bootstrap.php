<?php

/**
 * Runs once when the runtime is loaded (by autoload.php, or by Composer's "files" autoload).
 * Under a server (RR_RELAY is set) it redirects all output to stderr right away, so that code
 * printing during bootstrap, before the Worker exists, cannot corrupt the pipes relay.
 * Outside a server (tests, tools) it does nothing; Worker construction redirects in any case.
 */

declare(strict_types=1);

if (\PHP_SAPI === 'cli' && \getenv('RR_RELAY') !== false && \getenv('PHPRUN_NO_REDIRECT') === false) {
    \Phprun\Output\OutputRedirect::install();
}
