<?php
declare(strict_types=1);
// The official spiral/roadrunner-kv client (PSR-16 Cache) against one
// storage of a running phprun: php kv.php RPC_ADDR STORAGE. One line per
// check; exit 1 if any failed.
require __DIR__ . '/autoload.php';
use Spiral\Goridge\RPC\RPC;
use Spiral\RoadRunner\KeyValue\Factory;
use Spiral\RoadRunner\KeyValue\Serializer\SodiumSerializer;
use Spiral\RoadRunner\KeyValue\Serializer\DefaultSerializer;
[, $addr, $name] = $argv;
$fails = 0;
$ok = function (string $what, bool $cond, mixed $got = null) use (&$fails) { if (!$cond) $fails++; printf("%s %s%s\n", $cond ? 'ok  ' : 'FAIL', $what, $cond ? '' : ' got=' . var_export($got, true)); };
$factory = new Factory(RPC::create('tcp://' . $addr));
$c = $factory->select($name);
$ok('instanceof PSR-16', $c instanceof \Psr\SimpleCache\CacheInterface);
$ok('clear', $c->clear() === true);
$ok('set', $c->set('k', 'v') === true);
$ok('get', $c->get('k') === 'v', $c->get('k'));
$ok('get missing default', $c->get('missing', 'dflt') === 'dflt');
$ok('has', $c->has('k') && !$c->has('missing'));
$vals = ['a' => 1, 'b' => [1, 2, 'x' => null], 'c' => 1.5, 'd' => true, 'e' => null, 'f' => new ArrayObject([1])];
$ok('setMultiple', $c->setMultiple($vals) === true);
$got = iterator_to_array($c->getMultiple(['a', 'b', 'c', 'd', 'e', 'zz'], 'D'));
$ok('getMultiple', $got === ['a' => 1, 'b' => [1, 2, 'x' => null], 'c' => 1.5, 'd' => true, 'e' => null, 'zz' => 'D'], $got);
$ok('object value', $c->get('f') == new ArrayObject([1]));
$bin = ''; for ($i = 0; $i < 256; $i++) $bin .= chr($i); $bin .= random_bytes(1000) . "\0";
$c->set('bin', $bin);
$ok('binary value', $c->get('bin') === $bin);
$big = str_repeat('x', 1000 * 1000); $c->set('big', $big); $ok('1 MB value', $c->get('big') === $big);
try { $c->set('huge', str_repeat('x', 1 << 20)); $ok('value over rpc.max_request_bytes', false); } catch (\Spiral\RoadRunner\KeyValue\Exception\KeyValueException $e) { $ok('1 MiB value over rpc.max_request_bytes -> KeyValueException', str_contains($e->getMessage(), 'max_request_bytes'), $e->getMessage()); }
$ok('connection usable after', $c->get('big') === $big);
$ok('empty string value', $c->set('empty', '') && $c->get('empty', 'D') === '');
$ok('utf8 key', $c->set('ключ ☃', 1) && $c->get('ключ ☃') === 1);
$ok('getTtl none', $c->getTtl('k') === null, $c->getTtl('k'));
$ok('getTtl missing', $c->getTtl('missing') === null);
$c->set('ti', 1, 60);
$t = $c->getTtl('ti');
$ok('ttl int 60', $t instanceof DateTimeInterface && abs($t->getTimestamp() - time() - 60) <= 1, $t);
$c->set('tdi', 1, new DateInterval('PT1H'));
$t = $c->getTtl('tdi');
$ok('ttl DateInterval 1h', $t instanceof DateTimeInterface && abs($t->getTimestamp() - time() - 3600) <= 1, $t);
$ttls = iterator_to_array($c->getMultipleTtl(['ti', 'k', 'missing']));
$ok('getMultipleTtl', $ttls['ti'] instanceof DateTimeInterface && $ttls['k'] === null && $ttls['missing'] === null, $ttls);
$c->setMultiple(['s1' => 1, 's2' => 2], 1);
$ok('ttl 1s present', $c->has('s1') && $c->get('s2') === 2);
usleep(2_100_000);
$ok('ttl 1s expired', !$c->has('s1') && $c->get('s2', 'gone') === 'gone');
$c->set('z', 1); $c->set('z', 2, 0);
$ok('ttl 0 removes', !$c->has('z') && $c->get('z', 'gone') === 'gone');
$c->set('n', 1); $c->set('n', 2, -5);
$ok('ttl negative removes', !$c->has('n'));
$ok('delete', $c->delete('k') === true && !$c->has('k'));
$ok('delete missing', $c->delete('never') === true);
$c->setMultiple(['d1' => 1, 'd2' => 2, 'd3' => 3]);
$ok('deleteMultiple', $c->deleteMultiple(['d1', 'd2', 'nope']) === true && !$c->has('d1') && !$c->has('d2') && $c->has('d3'));
$ok('clear', $c->clear() === true && !$c->has('d3') && !$c->has('a'));
$ok('getMultiple empty', iterator_to_array($c->getMultiple([])) === []);
// setMultiple with generator keys
$gen = (function () { yield 'g1' => 'x'; yield 'g2' => 'y'; })();
$ok('setMultiple generator', $c->setMultiple($gen) && $c->get('g2') === 'y');
// withTtl helper / DateTime ttl via withSerializer
if (extension_loaded('sodium')) {
    $s = $c->withSerializer(new SodiumSerializer(new DefaultSerializer(), sodium_crypto_box_keypair()));
    $s->set('enc', ['secret' => 1]);
    $ok('sodium serializer', $s->get('enc') === ['secret' => 1]);
}
// errors
try { $factory->select('nope')->get('x'); $ok('unknown storage', false); } catch (\Spiral\RoadRunner\KeyValue\Exception\StorageException $e) { $ok('unknown storage -> StorageException', str_contains($e->getMessage(), 'Storage "nope" has not been defined'), $e->getMessage()); }
try { $c->getMultiple([1])->current(); $ok('int key', false); } catch (\Psr\SimpleCache\InvalidArgumentException $e) { $ok('non-string key -> InvalidArgumentException', true); }
try { $factory->select('')->get('x'); $ok('empty storage', false); } catch (\Throwable $e) { $ok('empty storage name -> ' . get_class($e), $e instanceof \Spiral\RoadRunner\KeyValue\Exception\KeyValueException, $e->getMessage()); echo "     msg: ", $e->getMessage(), "\n"; }
$c->clear();
printf("%s: %d failures\n", $name, $fails);
exit($fails ? 1 : 0);
