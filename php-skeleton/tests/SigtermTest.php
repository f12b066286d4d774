<?php

declare(strict_types=1);

namespace Phprun\Tests;

use Phprun\Tests\Support\Memory;
use Phprun\Tests\Support\Proc;
use PHPUnit\Framework\TestCase;

/**
 * SigtermTest checks graceful SIGTERM handling (needs pcntl, which Debian's php-cli has).
 *
 * @requires extension pcntl
 */
final class SigtermTest extends TestCase
{
    public function testIdleWorkerExitsCleanly(): void
    {
        $p = new Proc(__DIR__ . '/../examples/hello.php');
        $p->handshake();
        $p->signal(15);
        self::assertSame(0, $p->wait(5.0));
        self::assertStringContainsString('got SIGTERM while idle', $p->stderr());
    }

    public function testBusyWorkerFinishesTheRequestFirst(): void
    {
        $p = new Proc(__DIR__ . '/../examples/slow.php');
        $p->handshake();
        $p->send(Memory::request(Memory::httpContext(['uri' => 'http://h/?ms=800', 'rawQuery' => 'ms=800'])));
        usleep(300_000); // margin for a loaded machine: the worker must be inside the request
        $p->signal(15);
        $f = $p->frame();
        self::assertStringEndsWith('slept 800 ms', $f->payload);
        self::assertSame(0, $p->wait(5.0));
        self::assertStringContainsString('exiting after SIGTERM', $p->stderr());
    }
}
