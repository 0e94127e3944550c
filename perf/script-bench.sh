#!/usr/bin/env bash
# Scripts and functions, RedisFast vs redis-server 7.0 in alternating rounds with redis-benchmark: EVAL (the body hashed
# and looked up each call), EVALSHA and FCALL, each running one SET through redis.call on a random key. Prints every
# round and the median requests per second of each server, with their ratio.
#
#   perf/script-bench.sh [ROUNDS=5] [REQUESTS=200000] [PIPELINE=16] [CLIENTS=50]
#
# RedisFast runs from the Release build output; FAST_DLL=path/RedisFast.Server.dll picks another build.
set -euo pipefail
ROUNDS="${1:-5}"
REQUESTS="${2:-200000}"
PIPELINE="${3:-16}"
CLIENTS="${4:-50}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
HOST_DLL="${FAST_DLL:-$ROOT/src/RedisFast.Server/bin/Release/net10.0/RedisFast.Server.dll}"
[[ -f "$HOST_DLL" ]] || dotnet build -c Release "$ROOT/src/RedisFast.Server/RedisFast.Server.csproj" -nologo -v quiet >&2
WORK="$(mktemp -d)"
# The servers are waited for, so that a run right after this one finds its ports free.
trap 'pkill -P $$ 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$WORK"' EXIT
FAST_PORT=7463 REDIS_PORT=7464

(cd "$WORK" && exec dotnet "$HOST_DLL" --port "$FAST_PORT" --bind 127.0.0.1 --dir "$WORK" --save '') > "$WORK/fast.log" 2>&1 &
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$WORK" --save '' --appendonly no > "$WORK/redis.log" 2>&1 &
for port in "$FAST_PORT" "$REDIS_PORT"; do
  for ((i = 0; i < 1000; i++)); do
    [[ "$(redis-cli -p "$port" PING 2>/dev/null || true)" == PONG ]] && break
    sleep 0.01
  done
done

BODY="return redis.call('set', KEYS[1], ARGV[1])"
LIBRARY="#!lua name=bench
redis.register_function('bench_set', function(keys, args) return redis.call('set', keys[1], args[1]) end)"
for port in "$FAST_PORT" "$REDIS_PORT"; do
  SHA="$(redis-cli -p "$port" SCRIPT LOAD "$BODY")"
  redis-cli -p "$port" FUNCTION LOAD REPLACE "$LIBRARY" > /dev/null
done

bench() { # port command...
  local port=$1
  shift
  redis-benchmark -p "$port" -c "$CLIENTS" -P "$PIPELINE" -n "$REQUESTS" -r 100000 --csv "$@" 2>/dev/null \
    | tail -n 1 | awk -F'","' '{ print $2 }'   # the test name (a script body) has commas of its own
}

declare -A COMMANDS=(
  [eval]="EVAL|$BODY|1|key:__rand_int__|value"
  [evalsha]="EVALSHA|$SHA|1|key:__rand_int__|value"
  [fcall]="FCALL|bench_set|1|key:__rand_int__|value"
)
RAW="$WORK/raw.csv"
for name in eval evalsha fcall; do
  IFS='|' read -ra command <<< "${COMMANDS[$name]}"
  # Warm-up: RedisFast's paths start in tier-0 code.
  bench "$FAST_PORT" "${command[@]}" > /dev/null
  bench "$REDIS_PORT" "${command[@]}" > /dev/null
  for ((round = 1; round <= ROUNDS; round++)); do
    fast="$(bench "$FAST_PORT" "${command[@]}")"
    redis="$(bench "$REDIS_PORT" "${command[@]}")"
    echo "$name,$round,$fast,$redis" >> "$RAW"
    printf '   %-8s round %d  redisfast %12s  redis-server %12s\n' "$name" "$round" "$fast" "$redis" >&2
  done
done

python3 - "$RAW" "$CLIENTS" "$PIPELINE" <<'PY'
import csv, statistics, sys
rows = list(csv.reader(open(sys.argv[1])))
print(f"-c {sys.argv[2]} -P {sys.argv[3]}: median requests per second")
for name in ("eval", "evalsha", "fcall"):
    fast = statistics.median(float(r[2]) for r in rows if r[0] == name)
    redis = statistics.median(float(r[3]) for r in rows if r[0] == name)
    print(f"{name:8} redisfast {fast:12,.0f}  redis-server {redis:12,.0f}  ratio {fast / redis:.2f}")
PY
