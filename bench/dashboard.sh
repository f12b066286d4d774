#!/usr/bin/env bash
# bench/dashboard.sh: what the dashboard costs the server under load.
#
# Target: with the dashboard open under wrk load, req/s within 10% of headless, and the
# dashboard repainting at most 10 times a second.
#
# The same project (php-skeleton/examples/hello.php, 2 workers, opcache on, logs.level warn) is
# served by
#   A  phprun serve --headless                  (no dashboard, no terminal)
#   B  phprun dev, inside a detached tmux session of 160x45 (the dashboard, file watching on)
# one at a time, alternating A B A B ... (ROUNDS pairs; the order flips every round so drift
# in the machine's load hits both alike). Each run: start the server, 2 s warm-up,
# `wrk -t1 -c32 -d10s` on 127.0.0.1, stop it. Reported per run: req/s, and the CPU time of the
# phprun process per request (utime+stime from /proc/<pid>/stat around the wrk run; the PHP
# workers are separate processes and not counted). Then the median req/s of each and B/A.
#
# Redraws: while B is under load, `tmux pipe-pane` copies everything phprun writes to the
# terminal into a file. bubbletea's renderer starts every repaint of the alternate screen with
# the cursor-home sequence ESC [ H and writes nothing between repaints, so the number of
# ESC [ H in the file over the wrk run is the number of frames the terminal received (frames
# whose content did not change are not written at all). Reported as frames/s and bytes/s.
# The hello worker produces no events, so its frames come from the 250 ms stats poll alone;
# a last run (not part of the comparison) uses a worker that writes a stderr line per request,
# so worker-output events arrive at the request rate: the worst case for redraws.
#
# Usage: bench/dashboard.sh [PHPRUN_BINARY]   (without an argument it builds the repo into a
#        temp dir; `make bench` passes the binary it built)
# Env:   DURATION=10s CONNS=32 ROUNDS=3 WARMUP=2s PORT_BASE=28580 KEEP=1 (keep the temp dir)
# Lock:  the whole run holds /tmp/phprun-bench.lock (flock), so it never overlaps another
#        benchmark on a shared machine; set PHPRUN_BENCH_LOCKED=1 if the caller holds it.
# Needs: php (cli), wrk, curl, tmux, flock.
set -euo pipefail

if [[ -z ${PHPRUN_BENCH_LOCKED:-} ]]; then
  export PHPRUN_BENCH_LOCKED=1
  echo "waiting for /tmp/phprun-bench.lock" >&2
  exec flock /tmp/phprun-bench.lock bash "$0" "$@"
fi

DURATION=${DURATION:-10s}
CONNS=${CONNS:-32}
ROUNDS=${ROUNDS:-3}
WARMUP=${WARMUP:-2s}
ROOT=$(cd "$(dirname "$0")/.." && pwd)

for tool in php wrk curl tmux; do
  command -v "$tool" >/dev/null 2>&1 || { echo "missing: $tool" >&2; exit 1; }
done
in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
PORT=${PORT_BASE:-28580}
while in_use "$PORT"; do PORT=$((PORT + 1)); done

WORK=$(mktemp -d /tmp/phprun-bench-dash.XXXXXX)
PROJ=$WORK/project # what phprun dev watches: nothing but the config is written here
mkdir -p "$PROJ"
SOCK=$WORK/tmux.sock # private tmux servers, one socket per run, gone with the temp dir
SERVER_PID=""
cleanup() {
  if [[ -n $SERVER_PID ]]; then kill "$SERVER_PID" 2>/dev/null || true; fi
  tmux -S "$SOCK" kill-server 2>/dev/null || true
  wait 2>/dev/null || true
  [[ -n ${KEEP:-} ]] || rm -rf "$WORK"
}
trap cleanup EXIT

if [[ -n ${1:-} ]]; then
  [[ -x $1 ]] || { echo "not an executable: $1" >&2; exit 1; }
  cp "$1" "$WORK/phprun"
else
  echo "building phprun" >&2
  (cd "$ROOT" && go build -o "$WORK/phprun" .)
fi
cat >"$PROJ/phprun.yaml" <<YAML
version: "3"
server:
  command: "php -d opcache.enable_cli=1 $ROOT/php-skeleton/examples/hello.php"
http:
  address: 127.0.0.1:$PORT
  pool:
    num_workers: 2
dev:
  workers: 2
logs:
  level: warn
YAML
URL=http://127.0.0.1:$PORT/

wait_http() {
  for _ in $(seq 1 200); do
    [[ $(curl -fsS "$URL" 2>/dev/null) == "Hello, World!" ]] && return 0
    sleep 0.05
  done
  echo "no answer from $URL" >&2
  return 1
}
wait_gone() { # pid
  for _ in $(seq 1 200); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.05; done
  echo "process $1 did not exit" >&2
  return 1
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

start_headless() {
  "$WORK/phprun" serve --headless -c "$PROJ/phprun.yaml" 2>>"$WORK/headless.log" &
  SERVER_PID=$!
}
stop_headless() {
  kill -TERM "$SERVER_PID"
  wait "$SERVER_PID" || true
  SERVER_PID=""
}
start_dashboard() {
  rm -f "$WORK/dev.pid"
  tmux -S "$SOCK" new-session -d -s dash -x 160 -y 45 \
    "cd '$PROJ' && sh -c 'echo \$\$ > $WORK/dev.pid; exec $WORK/phprun dev' 2>>$WORK/dev.log; sleep 600"
  for _ in $(seq 1 100); do [[ -s $WORK/dev.pid ]] && break; sleep 0.05; done
  SERVER_PID=$(cat "$WORK/dev.pid")
}
stop_dashboard() {
  tmux -S "$SOCK" send-keys -t dash q
  wait_gone "$SERVER_PID" || kill -TERM "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
  tmux -S "$SOCK" kill-server 2>/dev/null || true
}

# run NAME: one measured run of variant NAME (headless or dashboard)
run() {
  local name=$1 n=$2 frames="-" fps="-" bps="-" out before after reqs rps cpu secs
  SOCK=$WORK/tmux-$n.sock
  "start_$name"
  wait_http
  wrk -t1 -c"$CONNS" -d"$WARMUP" "$URL" >/dev/null
  if [[ $name == dashboard ]]; then
    : >"$WORK/frames-$n.raw"
    tmux -S "$SOCK" pipe-pane -t dash "cat >> $WORK/frames-$n.raw"
  fi
  before=$(cpu_ticks "$SERVER_PID")
  out=$(wrk -t1 -c"$CONNS" -d"$DURATION" "$URL")
  after=$(cpu_ticks "$SERVER_PID")
  if [[ $name == dashboard ]]; then
    tmux -S "$SOCK" pipe-pane -t dash # stop copying
    sleep 0.2
    secs=$(awk '/requests in/ { v = $4; sub(/,$/, "", v); n = v + 0; if (v ~ /ms$/) n /= 1000; else if (v ~ /m$/) n *= 60; print n }' <<<"$out")
    frames=$(grep -o $'\e\\[H' "$WORK/frames-$n.raw" | wc -l)
    fps=$(awk -v f="$frames" -v s="$secs" 'BEGIN { printf "%.1f", f / s }')
    bps=$(awk -v b="$(stat -c %s "$WORK/frames-$n.raw")" -v s="$secs" 'BEGIN { printf "%.0f", b / s / 1024 }')
  fi
  "stop_$name"
  echo "$out" >"$WORK/wrk-$n-$name.txt"
  rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
  reqs=$(awk '/requests in/ {print $1}' <<<"$out")
  cpu=$(awk -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" -v n="$reqs" 'BEGIN { printf "%.1f", t / hz / n * 1e6 }')
  printf '%-2s %-10s %10s req/s   phprun CPU %5s µs/req   frames/s %5s   terminal %4s KiB/s   %s\n' \
    "$n" "$name" "$rps" "$cpu" "$fps" "$bps" "$(awk '/Non-2xx|Socket errors/' <<<"$out" | tr '\n' ' ')"
  echo "$name $rps $fps" >>"$WORK/results"
}

echo "wrk -t1 -c$CONNS -d$DURATION, hello world, 2 workers; $(nproc) cores; load: $(cut -d' ' -f1-3 /proc/loadavg)"
i=0
for r in $(seq 1 "$ROUNDS"); do
  if ((r % 2)); then order="headless dashboard"; else order="dashboard headless"; fi
  for v in $order; do
    i=$((i + 1))
    run "$v" "$i"
  done
done
# Worst case for redraws: a worker that writes a line to stderr on every request, so events
# (worker output, shown in the logs pane) arrive at the request rate on top of the stats poll.
# Its req/s is not comparable with the runs above (the worker does more), only its frames/s.
PROJ=$WORK/chatty
mkdir -p "$PROJ"
cat >"$WORK/chatty.php" <<PHP
<?php
require '$ROOT/php-skeleton/autoload.php';
\$worker = \\Phprun\\Http\\Worker::create();
\$n = 0;
while (\$req = \$worker->waitRequest()) {
    fwrite(STDERR, 'request ' . ++\$n . ' ' . \$req->path . "\\n");
    \$worker->respond(200, 'Hello, World!', ['Content-Type' => ['text/plain; charset=utf-8']]);
}
PHP
sed "s|$ROOT/php-skeleton/examples/hello.php|$WORK/chatty.php|" "$WORK/project/phprun.yaml" >"$PROJ/phprun.yaml"
i=$((i + 1))
echo "chatty worker (one stderr line per request), dashboard only:"
run dashboard "$i"
tail -n 1 "$WORK/results" >"$WORK/chatty-result"
sed -i '$d' "$WORK/results" # not part of the req/s comparison
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
awk '
  function median(a, n,    i, j, t) {
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  FILENAME ~ /chatty/ { chatty = $3; next }
  $1 == "headless" { h[++nh] = $2 }
  $1 == "dashboard" { d[++nd] = $2; if ($3 > maxf) maxf = $3 }
  END {
    mh = median(h, nh); md = median(d, nd)
    printf "median req/s: headless %.0f, dashboard %.0f → dashboard/headless %.3f (target ≥ 0.90)\n", mh, md, md / mh
    printf "frames/s: at most %.1f with hello, %.1f with the chatty worker (target ≤ 10)\n", maxf, chatty
  }' "$WORK/results" "$WORK/chatty-result"
