<?php

declare(strict_types=1);

namespace Phprun;

/**
 * Launch tells someone who ran a worker script by hand (`php worker.php`) what it is, in one
 * line, instead of letting a relay error end it with a fatal error and a stack trace that look
 * like a broken worker. Code that runs before Worker::create() (or, with RR_RELAY=pipes and
 * stdin closed, before the first waitRequest()) has run by then, so a boot error shows first.
 */
final class Launch
{
    /** The exit status of a worker started outside phprun (a broken worker exits with 255). */
    public const EXIT_CODE = 1;

    /**
     * notStartedByServer prints the explanation on stderr and exits with EXIT_CODE.
     *
     * @param string $why what showed that no server started this process
     */
    public static function notStartedByServer(string $why): never
    {
        $script = $_SERVER['SCRIPT_FILENAME'] ?? '';
        $name = \is_string($script) && $script !== '' ? \basename($script) : 'this script';
        \fwrite(\STDERR, \sprintf(
            "phprun: %s is a phprun worker, but no server started it (%s); start it with `phprun serve` or `phprun dev`\n",
            $name,
            $why,
        ));
        exit(self::EXIT_CODE);
    }
}
