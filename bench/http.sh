#!/usr/bin/env bash
# bench/http.sh: phprun's HTTP front against nginx + php-fpm, side by side in one run.
#
# Both serve the same "Hello, World!" with 2 PHP processes (phprun: http.pool.num_workers=2;
# php-fpm: pm=static, pm.max_children=2) and are loaded one after the other with
#   wrk -t1 -c32 -d${DURATION} --latency
# on loopback. Reported: req/s, p50/p99 latency, and for phprun the CPU time of the Go
# process per request (utime+stime from /proc/<pid>/stat before/after the run).
#
# Usage: bench/http.sh [PHPRUN_BINARY]   (from anywhere; without an argument it builds the repo
#        into a temp dir; `make bench` passes the binary it built)
# Env:   DURATION=10s CONNS=32 PHPRUN_PORT=... FPM_PORT=... (default: free ports from 28480 up)
#        KEEP=1 keeps the temp dir with configs, logs and raw wrk output.
# Needs: go, php (cli), wrk, nginx, php-fpm8.2. As root, missing ones are installed from Debian.
set -euo pipefail

DURATION=${DURATION:-10s}
CONNS=${CONNS:-32}
ROOT=$(cd "$(dirname "$0")/.." && pwd)

need() { command -v "$1" >/dev/null 2>&1; }
in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() { # first port from $1 up that nobody listens on
  local p=$1
  while in_use "$p"; do p=$((p + 1)); done
  echo "$p"
}
missing=()
need wrk || missing+=(wrk)
need curl || missing+=(curl)
need nginx || missing+=(nginx-light)
need php-fpm8.2 || missing+=(php8.2-fpm)
need php || missing+=(php8.2-cli)
if ((${#missing[@]})); then
  if [[ $(id -u) == 0 ]]; then
    echo "installing ${missing[*]} from Debian" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >&2
  else
    echo "missing: ${missing[*]} (run as root to install them)" >&2
    exit 1
  fi
fi
PHPRUN_PORT=${PHPRUN_PORT:-$(free_port 28480)}
FPM_PORT=${FPM_PORT:-$(free_port $((PHPRUN_PORT + 1)))}
FPM=$(command -v php-fpm8.2)
NGINX=$(command -v nginx)

WORK=$(mktemp -d /tmp/phprun-bench-http.XXXXXX)
chmod 755 "$WORK"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  [[ -n ${KEEP:-} ]] || rm -rf "$WORK"
}
trap cleanup EXIT

wait_http() { # url
  for _ in $(seq 1 100); do
    if curl -fsS -o /dev/null "$1" 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "no answer from $1" >&2
  return 1
}

# --- the same hello world twice ---------------------------------------------------------
cat >"$WORK/fpm-hello.php" <<'PHP'
<?php
header('Content-Type: text/plain; charset=utf-8');
echo 'Hello, World!';
PHP
WORKER="$ROOT/php-skeleton/examples/hello.php"

# --- phprun ------------------------------------------------------------------------------
if [[ -n ${1:-} ]]; then
  [[ -x $1 ]] || { echo "not an executable: $1" >&2; exit 1; }
  cp "$1" "$WORK/phprun"
else
  echo "building phprun" >&2
  (cd "$ROOT" && go build -o "$WORK/phprun" .)
fi
cat >"$WORK/phprun.yaml" <<YAML
version: "3"
server:
  command: "php -d opcache.enable_cli=1 $WORKER"
http:
  address: 127.0.0.1:$PHPRUN_PORT
  pool:
    num_workers: 2
logs:
  level: warn
YAML
"$WORK/phprun" serve --headless -c "$WORK/phprun.yaml" 2>"$WORK/phprun.log" &
PHPRUN_PID=$!
PIDS+=("$PHPRUN_PID")
wait_http "http://127.0.0.1:$PHPRUN_PORT/"

# --- nginx + php-fpm ---------------------------------------------------------------------
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
NGUSER=""
[[ $(id -u) == 0 ]] && NGUSER="user www-data;"
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
    location / {
      include /etc/nginx/fastcgi_params;
      fastcgi_param SCRIPT_FILENAME $WORK/fpm-hello.php;
      fastcgi_pass unix:$WORK/fpm.sock;
    }
  }
}
CONF
for _ in $(seq 1 50); do [[ -S $WORK/fpm.sock ]] && break; sleep 0.1; done
"$NGINX" -c "$WORK/nginx.conf" -p "$WORK/nginx" 2>>"$WORK/nginx/error.log" &
PIDS+=($!)
wait_http "http://127.0.0.1:$FPM_PORT/"

[[ $(curl -fsS "http://127.0.0.1:$PHPRUN_PORT/") == "Hello, World!" ]] || { echo "phprun answered something else" >&2; exit 1; }
[[ $(curl -fsS "http://127.0.0.1:$FPM_PORT/") == "Hello, World!" ]] || { echo "php-fpm answered something else" >&2; exit 1; }

# --- measure -----------------------------------------------------------------------------
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
to_ms() { # wrk latency ("812.00us", "1.20ms", "2.01s") in ms
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n = n; else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'
}
run_wrk() { # name url pid-or-empty
  local name=$1 url=$2 pid=${3:-} before after out
  wrk -t1 -c"$CONNS" -d2s "$url" >/dev/null # warm-up (opcache, connections, pools)
  [[ -n $pid ]] && before=$(cpu_ticks "$pid")
  out=$(wrk -t1 -c"$CONNS" -d"$DURATION" --latency "$url")
  [[ -n $pid ]] && after=$(cpu_ticks "$pid")
  echo "$out" >"$WORK/wrk-$name.txt"
  local rps p50 p99 reqs errs cpu="-"
  rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
  p50=$(to_ms "$(awk '$1 == "50%" {print $2}' <<<"$out")")
  p99=$(to_ms "$(awk '$1 == "99%" {print $2}' <<<"$out")")
  reqs=$(awk '/requests in/ {print $1}' <<<"$out")
  errs=$(awk '/Non-2xx|Socket errors/ {print}' <<<"$out" | tr '\n' ' ')
  if [[ -n $pid ]]; then
    cpu=$(awk -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" -v n="$reqs" 'BEGIN { printf "%.1f", t / hz / n * 1e6 }')
  fi
  printf '%-16s %10s req/s   p50 %7s ms   p99 %7s ms   Go CPU %6s µs/req   %s\n' "$name" "$rps" "$p50" "$p99" "$cpu" "$errs"
  eval "${name//[^a-z]/_}_rps=$rps ${name//[^a-z]/_}_p99=$p99"
}

echo "wrk -t1 -c$CONNS -d$DURATION, hello world, 2 PHP processes each; $(nproc) cores; load: $(cut -d' ' -f1-3 /proc/loadavg)"
run_wrk phprun "http://127.0.0.1:$PHPRUN_PORT/" "$PHPRUN_PID"
run_wrk nginx+php-fpm "http://127.0.0.1:$FPM_PORT/"
awk -v a="$phprun_rps" -v b="$nginx_php_fpm_rps" -v pa="$phprun_p99" -v pb="$nginx_php_fpm_p99" \
  'BEGIN { printf "phprun / php-fpm: %.2fx req/s (target >= 1.4x), p99 %s vs %s ms (target: not worse)\n", a / b, pa, pb }'
