#!/usr/bin/env bash
# bench/jobs.sh: the jobs plugin's throughput and push latency (docs/benchmarks.md, "Jobs").
#
# The workload of issue 19's anchor: a memory pipeline, 2 jobs workers that ack at once, one PHP
# client (php-skeleton's \Phprun\Jobs\Jobs) pushing N=20000 small jobs with PushBatch in chunks
# of 1000; the clock runs from the first push until jobs.Stat shows every pipeline empty. Then
# 2000 single Push calls for the latency percentiles. Go CPU per job: utime+stime of the phprun
# process (/proc/PID/stat) around the batch run divided by N (PHP processes not counted).
#
# Usage: bench/jobs.sh [PHPRUN_BINARY]   (builds the repo into a temp dir without one)
# Env:   N=20000 CHUNK=1000 SINGLE=2000 ROUNDS=3 PORT_BASE=28680 KEEP=1
# Needs: php (cli), curl, flock.
set -euo pipefail

if [[ -z ${PHPRUN_BENCH_LOCKED:-} ]]; then
  export PHPRUN_BENCH_LOCKED=1
  echo "waiting for /tmp/phprun-bench.lock" >&2
  exec flock /tmp/phprun-bench.lock bash "$0" "$@"
fi

N=${N:-20000}
CHUNK=${CHUNK:-1000}
SINGLE=${SINGLE:-2000}
ROUNDS=${ROUNDS:-3}
PORT_BASE=${PORT_BASE:-28680}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap '[[ -n ${KEEP:-} ]] || rm -rf "$work"; [[ -n ${pid:-} ]] && kill "$pid" 2>/dev/null || true' EXIT

bin=${1:-}
if [[ -z $bin ]]; then
  bin=$work/phprun
  (cd "$root" && go build -o "$bin" .)
fi

cat >"$work/worker.php" <<PHP
<?php
require '$root/php-skeleton/autoload.php';
if (getenv('RR_MODE') === 'jobs') {
    \$c = \Phprun\Jobs\Consumer::create();
    while (\$t = \$c->waitTask()) { \$t->ack(); }
    return;
}
\$w = \Phprun\Http\Worker::create();
while (\$r = \$w->waitRequest()) { \$w->respond(200, 'ok'); }
PHP
cat >"$work/phprun.yaml" <<YAML
version: "3"
server:
  command: php -d opcache.enable_cli=1 worker.php
rpc:
  listen: tcp://127.0.0.1:$((PORT_BASE + 1))
http:
  address: 127.0.0.1:$PORT_BASE
  pool:
    num_workers: 1
logs:
  level: warn
jobs:
  pool:
    num_workers: 2
  consume: [bench]
  pipelines:
    bench:
      driver: memory
YAML

cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
tick=$(getconf CLK_TCK)
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq 1 "$ROUNDS"); do
  (cd "$work" && exec "$bin" serve --headless 2>"$work/serve.log") &
  pid=$!
  for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$PORT_BASE/" >/dev/null && break; sleep 0.1; done
  c0=$(cpu "$pid")
  php "$root/bench/jobs/bench.php" batch "127.0.0.1:$((PORT_BASE + 1))" "$N" "$CHUNK"
  c1=$(cpu "$pid")
  awk -v a="$c0" -v b="$c1" -v t="$tick" -v n="$N" 'BEGIN { printf "go cpu per job: %.1f us\n", (b - a) / t / n * 1e6 }'
  php "$root/bench/jobs/bench.php" single "127.0.0.1:$((PORT_BASE + 1))" "$SINGLE"
  kill -TERM "$pid"; wait "$pid" || true; pid=
done
