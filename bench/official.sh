#!/usr/bin/env bash
# bench/official.sh: issues 19 and 20's performance anchors with the OFFICIAL spiral PHP clients
# (docs/benchmarks.md, "Official clients"). The libraries are not in this repository: LIBDIR
# holds their unmodified sources, laid out as docs/compatibility.md ("Running the official
# clients") says; bench/official/autoload.php loads them.
#
#   kv:   1,000 × (set 100 B + get) through spiral/roadrunner-kv's Cache, on a memory storage
#         and on a redis storage (redis-server started here on loopback). Anchors (RoadRunner
#         2025.1): memory 5,430, redis 3,324 calls/s; targets 1.3× and 1.2×.
#   jobs: 20,000 jobs via Queue::dispatchMany() in chunks of 1,000, memory pipeline, 2 jobs
#         workers running the official Consumer. Anchor 5,439 jobs/s; target 1.5×.
#
# Usage: bench/official.sh LIBDIR [PHPRUN_BINARY]   (builds the repo into a temp dir without one)
# Env:   ROUNDS=3 KV_N=1000 JOBS_N=20000 CHUNK=1000 PORT_BASE=28760 KEEP=1
# Needs: php (cli), redis-server (the redis rows are skipped without it), flock.
set -euo pipefail

if [[ -z ${PHPRUN_BENCH_LOCKED:-} ]]; then
  export PHPRUN_BENCH_LOCKED=1
  echo "waiting for /tmp/phprun-bench.lock" >&2
  exec flock /tmp/phprun-bench.lock bash "$0" "$@"
fi

libs=${1:?usage: bench/official.sh LIBDIR [PHPRUN_BINARY]}
libs=$(cd "$libs" && pwd)
for d in goridge/src worker/src jobs/src kv/src metrics/src simple-cache/src dto/generated protobuf/src log/src; do
  [[ -d $libs/$d ]] || { echo "official.sh: $libs/$d is missing (see docs/compatibility.md)" >&2; exit 2; }
done
export PHPRUN_OFFICIAL_LIBS=$libs
unset OFFICIAL_CONSUMED
ROUNDS=${ROUNDS:-3}
KV_N=${KV_N:-1000}
JOBS_N=${JOBS_N:-20000}
CHUNK=${CHUNK:-1000}
PORT_BASE=${PORT_BASE:-28760}
root=$(cd "$(dirname "$0")/.." && pwd)
off=$root/bench/official
work=$(mktemp -d)
pid='' rpid=''
cleanup() {
  [[ -n $pid ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  [[ -n $rpid ]] && kill "$rpid" 2>/dev/null && wait "$rpid" 2>/dev/null
  [[ -n ${KEEP:-} ]] || rm -rf "$work"
}
trap cleanup EXIT

bin=${2:-}
if [[ -z $bin ]]; then
  bin=$work/phprun
  (cd "$root" && go build -o "$bin" .)
fi

rpc=127.0.0.1:$((PORT_BASE + 1))
redis_addr=127.0.0.1:$((PORT_BASE + 3))
kv_redis=''
if command -v redis-server >/dev/null; then
  redis-server --bind 127.0.0.1 --port $((PORT_BASE + 3)) --save '' --appendonly no \
    --dir "$work" --logfile "$work/redis.log" &
  rpid=$!
  kv_redis="  red:
    driver: redis
    config:
      addrs: [\"$redis_addr\"]"
else
  echo "official.sh: redis-server not found: the redis rows are skipped" >&2
fi

cat >"$work/phprun.yaml" <<YAML
version: "3"
server:
  command: php -d opcache.enable_cli=1 $off/worker.php
rpc:
  listen: tcp://$rpc
http:
  address: 127.0.0.1:$PORT_BASE
  pool:
    num_workers: 1
logs:
  level: warn
kv:
  mem:
    driver: memory
$kv_redis
jobs:
  pool:
    num_workers: 2
  consume: [bench]
  pipelines:
    bench:
      driver: memory
YAML

(cd "$work" && exec "$bin" serve --headless -c phprun.yaml >"$work/serve.log" 2>&1) &
pid=$!
for _ in $(seq 100); do
  grep -q 'phprun is serving' "$work/serve.log" 2>/dev/null && break
  kill -0 "$pid" 2>/dev/null || { cat "$work/serve.log" >&2; exit 1; }
  sleep 0.1
done

echo "$("$bin" version 2>/dev/null | head -1), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq "$ROUNDS"); do
  php "$off/kv_bench.php" "$rpc" mem "$KV_N"
  [[ -n $kv_redis ]] && php "$off/kv_bench.php" "$rpc" red "$KV_N"
  php "$off/jobs_bench.php" "$rpc" "$JOBS_N" "$CHUNK"
  echo "round $r done, load $(cut -d' ' -f1-3 /proc/loadavg)"
done
