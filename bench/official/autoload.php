<?php
// PSR-4 autoloader for the official RoadRunner PHP libraries assembled out
// of tree (Composer's registry is out of reach on the build machine). The
// libraries are not in this repository: PHPRUN_OFFICIAL_LIBS names a
// directory holding each one's unmodified sources, laid out as
// docs/compatibility.md ("Running the official clients") describes.
declare(strict_types=1);

$libs = getenv('PHPRUN_OFFICIAL_LIBS');
if ($libs === false || $libs === '' || !is_dir($libs)) {
    fwrite(STDERR, "PHPRUN_OFFICIAL_LIBS must name the directory of the official libraries\n");
    exit(2);
}
$map = [
    'Spiral\\RoadRunner\\Jobs\\' => "$libs/jobs/src/",
    'Spiral\\RoadRunner\\KeyValue\\' => "$libs/kv/src/",
    'Spiral\\RoadRunner\\Metrics\\' => "$libs/metrics/src/",
    'Spiral\\RoadRunner\\' => "$libs/worker/src/",
    'Spiral\\Goridge\\' => "$libs/goridge/src/",
    'RoadRunner\\' => "$libs/dto/generated/RoadRunner/",
    'GPBMetadata\\Google\\Protobuf\\' => "$libs/protobuf/src/GPBMetadata/Google/Protobuf/",
    'GPBMetadata\\' => "$libs/dto/generated/GPBMetadata/",
    'Google\\Protobuf\\' => "$libs/protobuf/src/Google/Protobuf/",
    'Psr\\SimpleCache\\' => "$libs/simple-cache/src/",
    'Psr\\Log\\' => "$libs/log/src/",
];
spl_autoload_register(static function (string $class) use ($map): void {
    foreach ($map as $prefix => $dir) {
        if (str_starts_with($class, $prefix)) {
            $file = $dir . str_replace('\\', '/', substr($class, strlen($prefix))) . '.php';
            if (is_file($file)) {
                require $file;
                return;
            }
        }
    }
});
require __DIR__ . '/standins.php';
