<?php

declare(strict_types=1);

namespace Phprun\Tests;

use Phprun\Tests\Support\Proc;
use PHPUnit\Framework\TestCase;

/**
 * OutputRedirectTest runs a noisy worker and checks that stdout carries only frames while all
 * printed output reaches stderr.
 */
final class OutputRedirectTest extends TestCase
{
    /**
     * @return iterable<string, array{list<string>}>
     */
    public static function iniVariants(): iterable
    {
        yield 'defaults' => [[]];
        yield 'display_errors to stdout' => [['-d', 'display_errors=1', '-d', 'log_errors=0']];
    }

    /**
     * @dataProvider iniVariants
     * @param list<string> $phpArgs
     */
    public function testPrintedOutputGoesToStderr(array $phpArgs): void
    {
        $p = new Proc(__DIR__ . '/fixtures/noisy.php', [], $phpArgs);
        $p->handshake();
        [$status, , $body] = $p->http([]);
        self::assertSame(200, $status);
        self::assertSame('ok:captured', $body, 'the application\'s own output buffers keep working');
        [$status] = $p->http(['uri' => 'http://h/header']);
        self::assertSame(200, $status);
        self::assertSame(0, $p->stop());
        self::assertSame('', $p->stdoutRest(), 'stdout must hold nothing but frames');
        $err = $p->stderr();
        foreach (['noise-before-worker', '[bootstrap] => print_r', 'noise-echo', 'string(14) "noise-var_dump"', 'noise-printf', 'noise-warning', 'noise-at-exit'] as $needle) {
            self::assertStringContainsString($needle, $err);
        }
        self::assertSame(1, substr_count($err, 'header()/http_response_code() has no effect'), $err);
        self::assertStringContainsString('status 302', $err);
    }

    public function testAutoloadAloneDoesNotRedirectOutsideAWorker(): void
    {
        $script = tempnam(sys_get_temp_dir(), 'phprun-al');
        file_put_contents($script, '<?php require ' . var_export(__DIR__ . '/../autoload.php', true) . '; echo "visible";');
        $out = shell_exec('env -u RR_RELAY ' . escapeshellarg(PHP_BINARY) . ' ' . escapeshellarg($script) . ' 2>/dev/null');
        $withRelay = shell_exec('RR_RELAY=pipes ' . escapeshellarg(PHP_BINARY) . ' ' . escapeshellarg($script) . ' 2>/dev/null');
        unlink($script);
        self::assertSame('visible', $out);
        self::assertSame("", (string) $withRelay);
    }

    public function testWorkerConstructionRedirectsWhenBootstrapDidNot(): void
    {
        $script = tempnam(sys_get_temp_dir(), 'phprun-wc');
        file_put_contents($script, '<?php require ' . var_export(__DIR__ . '/../autoload.php', true) . ';
            echo "before|";
            $m = fopen("php://memory", "w+");
            new \\Phprun\\Worker(new \\Phprun\\Relay\\StreamRelay($m, $m));
            echo "after|";');
        $errFile = $script . '.err';
        $out = shell_exec('PHPRUN_NO_REDIRECT=1 RR_RELAY=pipes ' . escapeshellarg(PHP_BINARY) . ' ' . escapeshellarg($script) . ' 2>' . escapeshellarg($errFile));
        $err = (string) file_get_contents($errFile);
        unlink($script);
        unlink($errFile);
        self::assertSame('before|', $out);
        self::assertSame('after|', $err);
    }
}
