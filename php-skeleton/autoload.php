<?php

/**
 * Plain autoloader for the phprun runtime: `require __DIR__ . '/autoload.php';` needs no Composer.
 * It maps the namespace Phprun\ to src/ (PSR-4) and then runs bootstrap.php, which starts the
 * stdout-to-stderr redirection at once when this process was started as a worker (RR_RELAY set).
 */

declare(strict_types=1);

\spl_autoload_register(static function (string $class): void {
    if (\strncmp($class, 'Phprun\\', 7) !== 0) {
        return;
    }
    $file = __DIR__ . '/src/' . \str_replace('\\', '/', \substr($class, 7)) . '.php';
    if (\is_file($file)) {
        require $file;
    }
});

require_once __DIR__ . '/bootstrap.php';
