#!/usr/bin/env bash
# bench/hardening.sh: phprun's memory under the two loads of issue #16, measured from outside.
#   1. A 500 MiB response sent by PHP as one frame, then as a stream of 1 MiB frames, read by
#      curl: phprun's peak RSS (VmHWM) must stay under 64 MiB.
#   2. The RPC header flood: 30 connections that each send a valid goridge header announcing a
#      64 MiB payload and nothing more, three rounds, with rpc.max_request_bytes at its default
#      (1 MiB) and again raised to 64 MiB (the limit then does not refuse them: only the
#      buffers that grow with arriving data keep memory flat). RSS must stay under 64 MiB.
# Prints the figures and exits non-zero if a bound is broken.
# Usage: bench/hardening.sh [PHPRUN_BINARY]   Env: MB=500 KEEP=1 (keeps the temp dir)
# Needs: go, php (cli), curl, python3. Everything started here is stopped on exit.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
MB=${MB:-500}
WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [[ ${KEEP:-} == 1 ]] && echo "kept $WORK" || rm -rf "$WORK"
}
trap cleanup EXIT
BIN=${1:-}
if [[ -z $BIN ]]; then
  (cd "$ROOT" && go build -o "$WORK/phprun" .)
  BIN=$WORK/phprun
fi
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
rss() { awk '/^VmRSS/{print int($2/1024)}' "/proc/$1/status"; }
hwm() { awk '/^VmHWM/{print int($2/1024)}' "/proc/$1/status"; }
FAIL=0
check() { # name value limit
  if (( $2 >= $3 )); then echo "FAIL $1: $2 MiB >= $3 MiB"; FAIL=1; else echo "ok   $1: $2 MiB (< $3 MiB)"; fi
}

start() { # max_request_bytes
  HPORT=$(free_port); RPORT=$(free_port)
  cat >"$WORK/phprun.yaml" <<YAML
version: "3"
server:
  command: "php -d memory_limit=-1 $ROOT/bench/large.php"
http:
  address: 127.0.0.1:$HPORT
  pool:
    num_workers: 1
rpc:
  listen: tcp://127.0.0.1:$RPORT
  max_request_bytes: $1
logs:
  level: warn
YAML
  "$BIN" serve --headless -c "$WORK/phprun.yaml" 2>>"$WORK/phprun.log" &
  SPID=$!
  PIDS+=("$SPID")
  for _ in $(seq 100); do curl -fsS -o /dev/null "http://127.0.0.1:$HPORT/large?mb=1" 2>/dev/null && return; sleep 0.1; done
  echo "phprun did not start:"; cat "$WORK/phprun.log"; exit 1
}
stop() { kill "$SPID"; wait "$SPID" 2>/dev/null || true; }

start 1048576
echo "phprun $("$BIN" --version 2>/dev/null || true), pid $SPID, RSS after start $(rss "$SPID") MiB"
for path in large stream; do
  got=$(curl -fsS -o /dev/null -w '%{size_download}' "http://127.0.0.1:$HPORT/$path?mb=$MB")
  [[ $got == $((MB << 20)) ]] || { echo "FAIL /$path: $got bytes, want $((MB << 20))"; FAIL=1; }
  check "$MB MiB /$path: peak RSS (VmHWM)" "$(hwm "$SPID")" 64
done
echo "RSS after the large responses: $(rss "$SPID") MiB"

flood() { # rounds
  python3 - "$RPORT" "$1" <<'PY'
import socket, struct, sys, time, zlib
port, rounds = int(sys.argv[1]), int(sys.argv[2])
def header(size):
    b = bytes([0x15, 0x08]) + struct.pack('<I', size)   # version 1, 5 words (2 options); JSON
    return b + struct.pack('<I', zlib.crc32(b) & 0xffffffff) + b'\0\0' + struct.pack('<II', 1, 13)
for _ in range(rounds):
    conns = []
    for _ in range(30):
        s = socket.create_connection(('127.0.0.1', port))
        s.sendall(header(64 << 20) + b'informer.List')
        conns.append(s)
    time.sleep(1)
    for s in conns:
        s.close()
PY
}
flood 3
check "RPC header flood, max_request_bytes 1 MiB: RSS" "$(rss "$SPID")" 64
check "RPC header flood, max_request_bytes 1 MiB: peak RSS (VmHWM)" "$(hwm "$SPID")" 64
stop

start 67108864
flood 3
check "RPC header flood, max_request_bytes 64 MiB: RSS" "$(rss "$SPID")" 64
check "RPC header flood, max_request_bytes 64 MiB: peak RSS (VmHWM)" "$(hwm "$SPID")" 64
stop
exit $FAIL
