#!/usr/bin/env bash
# bench/http.sh: phprun's HTTP front against nginx + php-fpm, side by side in one run.
#
# Two workloads, each served by both sides with 2 PHP processes (phprun:
# http.pool.num_workers=2, pipes; php-fpm: pm=static, pm.max_children=2, unix socket behind
# nginx, worker_processes auto, access log off), opcache on everywhere, JIT off:
#   hello  phprun: php-skeleton/examples/hello.php (the dependency-free runtime)
#          php-fpm: a script that sets the same Content-Type and echoes "Hello, World!"
#   psr7   phprun: a Psr7Worker (nyholm/psr7, Debian's php-nyholm-psr7) answering
#                  "Hello, World!" as a nyholm Response
#          php-fpm: a script that builds the same nyholm ServerRequest from the superglobals
#                  (method, URI, server params, protocol, cookies, query, every header — what
#                  Psr7Worker::toPsr7 does) and the same nyholm Response, then emits it.
# Every (workload, side) pair gets a 2 s warm-up and one `wrk -t1 -c32 -d10s --latency` run
# on 127.0.0.1; the pairs are interleaved in ROUNDS rounds, alternating the order each round,
# so drift in the machine's load hits both sides alike. Reported per run and as medians:
# req/s, p50/p99 latency, and CPU time per request (utime+stime from /proc/<pid>/stat around
# the wrk run) of each side's front and of its PHP processes: for phprun the Go process (the
# figure the target is about) and its worker processes; for the other side nginx (master and
# workers) and php-fpm (master and children). nginx's figure is the same round's yardstick for
# the Go side's: both carry the client's TCP and hand requests to PHP.
#
# Usage: bench/http.sh [PHPRUN_BINARY]   (from anywhere; without an argument it builds the repo
#        into a temp dir; `make bench` passes the binary it built)
# Env:   DURATION=10s CONNS=32 ROUNDS=3 WARMUP=2s WORKLOADS="hello psr7"
#        VARIANTS="default"   phprun instances to compare, space-separated; each is "default"
#                             (the environment as inherited) or comma-separated VAR=value
#                             settings, e.g. VARIANTS="default GOMAXPROCS=2" runs two phprun
#                             servers per workload, the second with GOMAXPROCS=2; a setting
#                             bin=PATH runs that phprun binary instead (another build, so two
#                             builds meet the same rounds: VARIANTS="default bin=/tmp/phprun-old");
#                             metrics=on serves /metrics (a metrics section on a port of its own)
#                             with http.middleware [http_metrics], so VARIANTS="default metrics=on"
#                             is the "metrics on within 3 % of off" check; every variant after
#                             the first is also reported as a ratio of the first, round by round
#        PORT_BASE=28480      first port tried (ports in use are skipped)
#        KEEP=1               keeps the temp dir with configs, logs and raw wrk output
# On a machine shared with other benchmarks, serialise: flock /tmp/phprun-bench.lock bench/http.sh
# Needs: go, php (cli), wrk, curl, nginx, php-fpm8.2, php-nyholm-psr7. As root, missing ones
# are installed from Debian. Everything started here is stopped on exit (also on ^C).
set -euo pipefail

DURATION=${DURATION:-10s}
CONNS=${CONNS:-32}
ROUNDS=${ROUNDS:-3}
WARMUP=${WARMUP:-2s}
WORKLOADS=${WORKLOADS:-hello psr7}
VARIANTS=${VARIANTS:-default}
ROOT=$(cd "$(dirname "$0")/.." && pwd)

need() { command -v "$1" >/dev/null 2>&1; }
in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
NEXT_PORT=${PORT_BASE:-28480}
free_port() { # next port nobody listens on, into $PORT
  while in_use "$NEXT_PORT"; do NEXT_PORT=$((NEXT_PORT + 1)); done
  PORT=$NEXT_PORT
  NEXT_PORT=$((NEXT_PORT + 1))
}
missing=()
need wrk || missing+=(wrk)
need curl || missing+=(curl)
need nginx || missing+=(nginx-light)
need php-fpm8.2 || missing+=(php8.2-fpm)
need php || missing+=(php8.2-cli)
[[ -f /usr/share/php/Nyholm/Psr7/autoload.php ]] || missing+=(php-nyholm-psr7)
if ((${#missing[@]})); then
  if [[ $(id -u) == 0 ]]; then
    echo "installing ${missing[*]} from Debian" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >&2
  else
    echo "missing: ${missing[*]} (run as root to install them)" >&2
    exit 1
  fi
fi
FPM=$(command -v php-fpm8.2)
NGINX=$(command -v nginx)

WORK=$(mktemp -d /tmp/phprun-bench-http.XXXXXX)
chmod 755 "$WORK"
PIDS=()
cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  [[ -n ${KEEP:-} ]] && echo "kept $WORK" >&2 || rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

wait_http() { # url
  for _ in $(seq 1 100); do
    if curl -fsS -o /dev/null "$1" 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "no answer from $1" >&2
  return 1
}

# --- the scripts -------------------------------------------------------------------------
SKEL="$ROOT/php-skeleton"
cat >"$WORK/fpm-hello.php" <<'PHP'
<?php
header('Content-Type: text/plain; charset=utf-8');
echo 'Hello, World!';
PHP
cat >"$WORK/worker-psr7.php" <<PHP
<?php
declare(strict_types=1);
require '$SKEL/autoload.php';
\$factory = \Phprun\Http\Psr7Worker::nyholmFactory();
\$worker = new \Phprun\Http\Psr7Worker(\Phprun\Http\Worker::create(), \$factory, \$factory, \$factory);
while (\$request = \$worker->waitRequest()) {
    \$worker->respond(\$factory->createResponse(200)
        ->withHeader('Content-Type', 'text/plain; charset=utf-8')
        ->withBody(\$factory->createStream('Hello, World!')));
}
PHP
cat >"$WORK/fpm-psr7.php" <<'PHP'
<?php
declare(strict_types=1);
require_once 'Nyholm/Psr7/autoload.php'; // Debian's php-nyholm-psr7, on the include path
$factory = new \Nyholm\Psr7\Factory\Psr17Factory();
// The request as Psr7Worker::toPsr7 builds it on the phprun side.
$https = ($_SERVER['HTTPS'] ?? '') !== '' && $_SERVER['HTTPS'] !== 'off';
$uri = ($https ? 'https' : 'http') . '://' . ($_SERVER['HTTP_HOST'] ?? 'localhost') . $_SERVER['REQUEST_URI'];
$request = $factory->createServerRequest($_SERVER['REQUEST_METHOD'], $uri, $_SERVER)
    ->withProtocolVersion(substr($_SERVER['SERVER_PROTOCOL'] ?? 'HTTP/1.1', 5))
    ->withCookieParams($_COOKIE)
    ->withQueryParams($_GET)
    ->withUploadedFiles([]);
foreach (getallheaders() as $name => $value) {
    $request = $request->withHeader($name, [$value]);
}
$response = $factory->createResponse(200)
    ->withHeader('Content-Type', 'text/plain; charset=utf-8')
    ->withBody($factory->createStream('Hello, World!'));
// Emit it.
http_response_code($response->getStatusCode());
foreach ($response->getHeaders() as $name => $values) {
    foreach ($values as $value) {
        header("$name: $value", false);
    }
}
$body = $response->getBody();
$body->rewind();
echo $body->getContents();
PHP
worker_of() { # workload -> phprun worker script
  case $1 in
  hello) echo "$SKEL/examples/hello.php" ;;
  psr7) echo "$WORK/worker-psr7.php" ;;
  *) echo "unknown workload $1 (hello, psr7)" >&2; exit 2 ;;
  esac
}

# --- phprun: one server per (workload, variant) ------------------------------------------
if [[ -n ${1:-} ]]; then
  [[ -x $1 ]] || { echo "not an executable: $1" >&2; exit 1; }
  cp "$1" "$WORK/phprun"
else
  echo "building phprun" >&2
  (cd "$ROOT" && go build -o "$WORK/phprun" .)
fi
declare -A URL PID METRICS_URL
TARGETS=() # per workload: "phprun" or "phprun[VAR=v,...]" per variant, then "php-fpm"
for wl in $WORKLOADS; do
  worker=$(worker_of "$wl")
  for v in $VARIANTS; do
    name=phprun
    envs=()
    bin="$WORK/phprun"
    extra=""
    if [[ $v != default ]]; then
      name="phprun[$v]"
      IFS=, read -r -a settings <<<"$v"
      for s in "${settings[@]}"; do
        case $s in
        bin=*)
          bin=${s#bin=}
          [[ -x $bin ]] || { echo "VARIANTS: not an executable: $bin" >&2; exit 1; }
          ;;
        metrics=on)
          free_port
          extra="  middleware: [http_metrics]
metrics:
  address: 127.0.0.1:$PORT"
          METRICS_URL[$wl/$name]="http://127.0.0.1:$PORT/metrics"
          ;;
        *) envs+=("$s") ;;
        esac
      done
    fi
    free_port
    id="$wl-${#TARGETS[@]}"
    cat >"$WORK/$id.yaml" <<YAML
version: "3"
server:
  command: "php -d opcache.enable_cli=1 $worker"
http:
  address: 127.0.0.1:$PORT
  pool:
    num_workers: 2
${extra}
logs:
  level: warn
YAML
    env "${envs[@]}" "$bin" serve --headless -c "$WORK/$id.yaml" 2>"$WORK/$id.log" &
    PIDS+=($!)
    PID[$wl/$name]=$!
    URL[$wl/$name]="http://127.0.0.1:$PORT/"
    TARGETS+=("$wl/$name")
  done
done

# --- nginx + php-fpm: one pool, one location per workload --------------------------------
RUNAS=""
[[ $(id -u) == 0 ]] && RUNAS="user = www-data
group = www-data"
cat >"$WORK/fpm.conf" <<CONF
[global]
pid = $WORK/fpm.pid
error_log = $WORK/fpm.log
daemonize = no
[www]
$RUNAS
listen = $WORK/fpm.sock
listen.mode = 0666
pm = static
pm.max_children = 2
php_admin_value[opcache.enable] = 1
CONF
"$FPM" -y "$WORK/fpm.conf" -F ${RUNAS:+-R} 2>>"$WORK/fpm.log" &
PIDS+=($!)
FPM_PID=$!
NGUSER=""
[[ $(id -u) == 0 ]] && NGUSER="user www-data;"
free_port
FPM_PORT=$PORT
mkdir -p "$WORK/nginx"
cat >"$WORK/nginx.conf" <<CONF
$NGUSER
worker_processes auto;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
daemon off;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $WORK/nginx/body;
  fastcgi_temp_path $WORK/nginx/fcgi;
  proxy_temp_path $WORK/nginx/proxy;
  uwsgi_temp_path $WORK/nginx/uwsgi;
  scgi_temp_path $WORK/nginx/scgi;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$FPM_PORT;
    location /hello/ {
      include /etc/nginx/fastcgi_params;
      fastcgi_param SCRIPT_FILENAME $WORK/fpm-hello.php;
      fastcgi_pass unix:$WORK/fpm.sock;
    }
    location /psr7/ {
      include /etc/nginx/fastcgi_params;
      fastcgi_param SCRIPT_FILENAME $WORK/fpm-psr7.php;
      fastcgi_pass unix:$WORK/fpm.sock;
    }
  }
}
CONF
for _ in $(seq 1 50); do [[ -S $WORK/fpm.sock ]] && break; sleep 0.1; done
"$NGINX" -c "$WORK/nginx.conf" -p "$WORK/nginx" 2>>"$WORK/nginx/error.log" &
PIDS+=($!)
NGINX_PID=$!
for wl in $WORKLOADS; do
  URL[$wl/php-fpm]="http://127.0.0.1:$FPM_PORT/$wl/"
  TARGETS+=("$wl/php-fpm")
done

for t in "${TARGETS[@]}"; do
  wait_http "${URL[$t]}"
  body=$(curl -fsS "${URL[$t]}")
  [[ $body == "Hello, World!" ]] || { echo "$t answered something else: $body" >&2; exit 1; }
  if [[ -n ${METRICS_URL[$t]:-} ]] && ! curl -fsS "${METRICS_URL[$t]}" | grep -q '^rr_http_request_total{status="200"}'; then
    echo "$t: ${METRICS_URL[$t]} does not count the requests (rr_http_request_total)" >&2
    exit 1
  fi
done

# --- measure -----------------------------------------------------------------------------
ticks() { # pid... -> their utime+stime summed, in clock ticks (processes gone count 0)
  local p sum=0 t
  for p in "$@"; do
    t=$(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null) || t=0
    sum=$((sum + ${t:-0}))
  done
  echo "$sum"
}
group() { # pid -> it and its children
  echo "$1" $(pgrep -P "$1" || true)
}
to_ms() { # wrk latency ("812.00us", "1.20ms", "2.01s") in ms
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n = n; else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'
}
per_req() { # ticks requests -> µs per request
  awk -v t="$1" -v hz="$(getconf CLK_TCK)" -v n="$2" 'BEGIN { printf "%.1f", t / hz / n * 1e6 }'
}
RESULTS="$WORK/results.txt" # target round rps p50 p99 front-cpu php-cpu
: >"$RESULTS"
run_wrk() { # target round
  local t=$1 round=$2 url=${URL[$1]} pid=${PID[$1]:-} front php
  if [[ -n $pid ]]; then # phprun: the Go process; its children are the PHP workers
    front=$pid
    php=$(pgrep -P "$pid" | tr '\n' ' ')
  else
    front=$(group "$NGINX_PID")
    php=$(group "$FPM_PID")
  fi
  wrk -t1 -c"$CONNS" -d"$WARMUP" "$url" >/dev/null # warm-up (opcache, connections, pools)
  local f0 p0 f1 p1 out
  f0=$(ticks $front)
  p0=$(ticks $php)
  out=$(wrk -t1 -c"$CONNS" -d"$DURATION" --latency "$url")
  f1=$(ticks $front)
  p1=$(ticks $php)
  echo "$out" >"$WORK/wrk-${t//\//-}-$round.txt"
  local rps p50 p99 reqs errs fcpu pcpu
  rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
  p50=$(to_ms "$(awk '$1 == "50%" {print $2}' <<<"$out")")
  p99=$(to_ms "$(awk '$1 == "99%" {print $2}' <<<"$out")")
  reqs=$(awk '/requests in/ {print $1}' <<<"$out")
  errs=$(awk '/Non-2xx|Socket errors/ {print}' <<<"$out" | tr '\n' ' ')
  fcpu=$(per_req $((f1 - f0)) "$reqs")
  pcpu=$(per_req $((p1 - p0)) "$reqs")
  printf '%-36s %d  %9.0f req/s   p50 %6s ms   p99 %7s ms   %s CPU %5s   PHP CPU %5s µs/req  load %s  %s\n' \
    "$t" "$round" "$rps" "$p50" "$p99" "$([[ -n $pid ]] && echo "   Go" || echo nginx)" "$fcpu" "$pcpu" \
    "$(cut -d' ' -f1 /proc/loadavg)" "$errs"
  echo "$t $round $rps $p50 $p99 $fcpu $pcpu" >>"$RESULTS"
}

echo "wrk -t1 -c$CONNS -d$DURATION --latency (after ${WARMUP} warm-up), 2 PHP processes per server, $ROUNDS interleaved rounds"
echo "$(nproc) cores ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)); load at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "$("$WORK/phprun" version 2>/dev/null | head -1) ($(go version "$WORK/phprun" 2>/dev/null | awk "{print \$2}")), $(php -r 'echo "PHP ", PHP_VERSION;'), $("$NGINX" -v 2>&1 | sed 's/.*: //')"
for round in $(seq 1 "$ROUNDS"); do
  order=("${TARGETS[@]}")
  if ((round % 2 == 0)); then # reverse every other round
    order=()
    for ((i = ${#TARGETS[@]} - 1; i >= 0; i--)); do order+=("${TARGETS[i]}"); done
  fi
  for t in "${order[@]}"; do run_wrk "$t" "$round"; done
done
echo "load at end: $(cut -d' ' -f1-3 /proc/loadavg)"

# --- summary: medians over the rounds ----------------------------------------------------
echo
echo "medians over $ROUNDS rounds (targets: req/s >= 1.4x php-fpm, p99 <= php-fpm's, Go CPU <= 25 µs/req)"
for wl in $WORKLOADS; do
  awk -v wl="$wl" '
    function median(list,   a, n, i, j, x) {
      n = split(list, a, " ")
      for (i = 2; i <= n; i++) { x = a[i]; for (j = i - 1; j >= 1 && a[j] + 0 > x + 0; j--) a[j + 1] = a[j]; a[j + 1] = x }
      return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    index($1, wl "/") == 1 {
      if (!($1 in rps)) order[++n] = $1
      rps[$1] = rps[$1] " " $3; p50[$1] = p50[$1] " " $4; p99[$1] = p99[$1] " " $5; cpu[$1] = cpu[$1] " " $6; php[$1] = php[$1] " " $7
      byround[$1, $2] = $3; p99round[$1, $2] = $5; rounds[$2] = 1
    }
    END {
      fpm = wl "/php-fpm"
      base = order[1] # the first variant: the others are also given as its multiple
      for (i = 1; i <= n; i++) {
        t = order[i]
        line = sprintf("  %-36s %9.0f req/s   p50 %6.2f ms   p99 %7.2f ms", t, median(rps[t]), median(p50[t]), median(p99[t]))
        if (t == fpm) {
          line = line sprintf("   nginx CPU %5.1f µs/req   PHP CPU %5.1f µs/req", median(cpu[t]), median(php[t]))
        } else {
          lo = 1e9; hi = 0
          for (r in rounds) { q = byround[t, r] / byround[fpm, r]; if (q < lo) lo = q; if (q > hi) hi = q }
          line = line sprintf("   Go CPU %5.1f µs/req (%.2fx nginx)   PHP CPU %5.1f µs/req   %.2fx php-fpm (rounds %.2f–%.2f)   p99 %s",
            median(cpu[t]), median(cpu[fpm]) > 0 ? median(cpu[t]) / median(cpu[fpm]) : 0, median(php[t]),
            median(rps[t]) / median(rps[fpm]), lo, hi, median(p99[t]) <= median(p99[fpm]) ? "<= php-fpm" : "WORSE than php-fpm")
          if (t != base) {
            lo = 1e9; hi = 0
            for (r in rounds) { q = byround[t, r] / byround[base, r]; if (q < lo) lo = q; if (q > hi) hi = q }
            line = line sprintf("   %.3fx %s (rounds %.3f–%.3f)", median(rps[t]) / median(rps[base]), base, lo, hi)
          }
        }
        print line
      }
    }' "$RESULTS"
done
