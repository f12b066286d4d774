<?php

declare(strict_types=1);

namespace Phprun\Tests;

use PHPUnit\Framework\TestCase;

/**
 * LaunchTest runs worker scripts by hand, as a user would: a healthy worker that no server
 * started says so in one line on stderr and exits 1, distinct from a broken worker's fatal
 * error (exit 255). Under a server nothing changes (the other tests).
 */
final class LaunchTest extends TestCase
{
    private const HELLO = __DIR__ . '/../examples/hello.php';

    /**
     * @return iterable<string, array{array<string, string>, string}>
     */
    public static function byHand(): iterable
    {
        yield 'no RR_RELAY (php worker.php)' => [[], 'RR_RELAY is not set'];
        yield 'RR_RELAY=pipes, input closed' => [['RR_RELAY' => 'pipes', 'RR_MODE' => 'http'], 'its input ended before any frame arrived'];
    }

    /**
     * @dataProvider byHand
     * @param array<string, string> $env
     */
    public function testHealthyWorkerRunByHand(array $env, string $why): void
    {
        [$code, $stdout, $stderr] = self::runByHand(self::HELLO, $env);
        self::assertSame(1, $code, 'exit status; stderr: ' . $stderr);
        self::assertSame('', $stdout);
        self::assertSame(
            "phprun: hello.php is a phprun worker, but no server started it ($why); start it with `phprun serve` or `phprun dev`\n",
            $stderr,
        );
    }

    public function testBrokenWorkerStillShowsItsError(): void
    {
        $script = \tempnam(\sys_get_temp_dir(), 'phprun-broken-') . '.php';
        \file_put_contents($script, "<?php\nrequire " . \var_export(__DIR__ . '/../autoload.php', true) . ";\nthrow new \\LogicException('app failed to boot');\n");
        try {
            [$code, , $stderr] = self::runByHand($script, ['RR_RELAY' => 'pipes']);
        } finally {
            @\unlink($script);
        }
        self::assertSame(255, $code);
        self::assertStringContainsString('app failed to boot', $stderr);
        self::assertStringNotContainsString('no server started it', $stderr);
    }

    /**
     * runByHand starts php SCRIPT with stdin at its end and only $env (plus PATH) in its environment.
     *
     * @param array<string, string> $env
     * @return array{int, string, string}
     */
    private static function runByHand(string $script, array $env): array
    {
        $proc = \proc_open(
            [\PHP_BINARY, '-d', 'display_errors=stderr', $script],
            [0 => ['file', '/dev/null', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']],
            $pipes,
            \sys_get_temp_dir(),
            $env + ['PATH' => (string) \getenv('PATH')],
        );
        self::assertIsResource($proc);
        // Bounded: the script ends on its own within seconds; the pipes reach EOF when it does.
        $stdout = (string) \stream_get_contents($pipes[1]);
        $stderr = (string) \stream_get_contents($pipes[2]);
        \fclose($pipes[1]);
        \fclose($pipes[2]);

        return [\proc_close($proc), $stdout, $stderr];
    }
}
