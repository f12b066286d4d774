<?php

declare(strict_types=1);

// The test process must not be mistaken for a worker, or bootstrap.php would redirect output.
putenv('RR_RELAY');
unset($_ENV['RR_RELAY'], $_SERVER['RR_RELAY']);

require __DIR__ . '/../autoload.php';

spl_autoload_register(static function (string $class): void {
    if (strncmp($class, 'Phprun\\Tests\\', 13) === 0) {
        $file = __DIR__ . '/' . str_replace('\\', '/', substr($class, 13)) . '.php';
        if (is_file($file)) {
            require $file;
        }
    }
});
