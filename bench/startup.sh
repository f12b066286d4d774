#!/usr/bin/env bash
# bench/startup.sh: how fast phprun comes up, as a user feels it, side by side with RoadRunner
# when RR_BIN names an `rr` binary.
#
# Figures (bench/startup/main.go; each the median of RUNS runs, phprun and rr alternating):
#   exec → first 200   start `serve` with a hello worker (php-skeleton/examples/hello.php, no
#                      opcache, pipes) and 2, then 8 workers, on fresh loopback ports; ask GET /
#                      until it answers 200 (refused connections retried every 0.5 ms); SIGTERM
#   boot_ms            what phprun's startup log line said in those runs
#   version            `phprun version` / `rr --version`, exec to exit
#   workers            `phprun workers` / `rr workers` against a running 2-worker server
#
# Usage: bench/startup.sh [PHPRUN_BINARY]   (without an argument it builds the repo like
#        `make build`: static and stripped, into a temp dir)
# Env:   RUNS=7 WORKERS=2,8 RR_BIN=/path/to/rr
#        BASE_BIN=/path/to/phprun   another phprun build measured in the same runs (e.g. main's)
# Lock:  holds /tmp/phprun-bench.lock (flock) so it never overlaps another benchmark; set
#        PHPRUN_BENCH_LOCKED=1 if the caller holds it.
# Needs: go, php (cli), flock. Everything started here is stopped before it exits.
set -euo pipefail

if [[ -z ${PHPRUN_BENCH_LOCKED:-} ]]; then
  export PHPRUN_BENCH_LOCKED=1
  echo "waiting for /tmp/phprun-bench.lock" >&2
  exec flock /tmp/phprun-bench.lock bash "$0" "$@"
fi

ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d /tmp/phprun-bench-startup.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

if [[ -n ${1:-} ]]; then
  [[ -x $1 ]] || { echo "not an executable: $1" >&2; exit 1; }
  BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
else
  echo "building phprun" >&2
  (cd "$ROOT" && CGO_ENABLED=0 go build -ldflags '-s -w' -o "$WORK/phprun" .)
  BIN=$WORK/phprun
fi
(cd "$ROOT" && go build -o "$WORK/startup" ./bench/startup)

echo "# $(date -u +%FT%TZ), commit $(cd "$ROOT" && git rev-parse --short HEAD), load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs"
cd "$ROOT"
"$WORK/startup" -phprun "$BIN" -runs "${RUNS:-7}" -workers "${WORKERS:-2,8}" \
  -worker php-skeleton/examples/hello.php ${RR_BIN:+-rr "$RR_BIN"} ${BASE_BIN:+-base "$BASE_BIN"}
