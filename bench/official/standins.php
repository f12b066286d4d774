<?php
// Stand-ins for two Composer packages the official libraries touch only in
// passing: ramsey/uuid (roadrunner-jobs' Queue makes job ids with
// UuidFactory::uuid4()) and Composer's runtime API (roadrunner-worker asks
// InstalledVersions for its own version). Written for phprun; no library code.
declare(strict_types=1);

namespace Ramsey\Uuid {
    if (!interface_exists(UuidFactoryInterface::class)) {
        interface UuidFactoryInterface
        {
            public function uuid4();
        }

        final class UuidFactory implements UuidFactoryInterface
        {
            public function uuid4()
            {
                return new class () {
                    public function toString(): string
                    {
                        $b = random_bytes(16);
                        $b[6] = chr(ord($b[6]) & 0x0f | 0x40);
                        $b[8] = chr(ord($b[8]) & 0x3f | 0x80);
                        return vsprintf('%s%s-%s-%s-%s-%s%s%s', str_split(bin2hex($b), 4));
                    }

                    public function __toString(): string
                    {
                        return $this->toString();
                    }
                };
            }
        }
    }
}

namespace Composer {
    if (!class_exists(InstalledVersions::class)) {
        final class InstalledVersions
        {
            public static function isInstalled(string $name): bool
            {
                return false;
            }

            public static function getPrettyVersion(string $name): ?string
            {
                return null;
            }
        }
    }
}
