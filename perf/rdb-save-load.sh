#!/usr/bin/env bash
# RDB snapshots, RedisFast vs redis-server 7.0 on the same data set, in alternating rounds: BGSAVE duration (from the
# BGSAVE reply until rdb_bgsave_in_progress:0), SAVE duration, dump.rdb size, and the start-up load time of that file
# (from process start until PING answers). Prints the median of each per server.
#
#   perf/rdb-save-load.sh [KEYS=1000000] [ROUNDS=3]
#
# RedisFast runs from the Release build output (JIT); FAST_DLL=path/RedisFast.Server.dll picks another build, e.g. the
# ReadyToRun one of `dotnet publish src/RedisFast.Server -c Release --ucr -o DIR` (README, "Deploying").
#
# The data set: KEYS strings (key:N -> value:N), plus a list, a set, a hash and a sorted set of KEYS/10 elements each.
set -euo pipefail
KEYS="${1:-1000000}"
ROUNDS="${2:-3}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
HOST_DLL="${FAST_DLL:-$ROOT/src/RedisFast.Server/bin/Release/net10.0/RedisFast.Server.dll}"
[[ -f "$HOST_DLL" ]] || dotnet build -c Release "$ROOT/src/RedisFast.Server/RedisFast.Server.csproj" -nologo -v quiet >&2
WORK="$(mktemp -d)"
trap 'pkill -P $$ 2>/dev/null || true; rm -rf "$WORK"' EXIT
FAST_PORT=7461 REDIS_PORT=7462

start() { # name port dir
  if [[ $1 == fast ]]; then
    (cd "$3" && exec dotnet "$HOST_DLL" --port "$2" --bind 127.0.0.1 --dir "$3" --save '') > "$3/log" 2>&1 &
  else
    redis-server --port "$2" --bind 127.0.0.1 --dir "$3" --save '' --appendonly no > "$3/log" 2>&1 &
  fi
  local t0 i
  t0=$(date +%s%N)
  for ((i = 0; i < 3000; i++)); do
    [[ "$(redis-cli -p "$2" PING 2>/dev/null || true)" == PONG ]] && break
    sleep 0.01
  done
  echo $(( ($(date +%s%N) - t0) / 1000000 ))
}

populate() { # port
  python3 - "$KEYS" <<'PY' | redis-cli -p "$1" --pipe > /dev/null
import sys
n = int(sys.argv[1]); out = sys.stdout.buffer
def cmd(*a):
    out.write(b"*%d\r\n" % len(a) + b"".join(b"$%d\r\n%s\r\n" % (len(x), x) for x in (s.encode() for s in a)))
for i in range(n): cmd("SET", "key:%d" % i, "value:%d" % i)
for i in range(0, n // 10, 100):
    r = range(i, min(i + 100, n // 10))
    cmd("RPUSH", "list", *["e%d" % j for j in r])
    cmd("SADD", "set", *["m%d" % j for j in r])
    cmd("HSET", "hash", *[x for j in r for x in ("f%d" % j, "v%d" % j)])
    cmd("ZADD", "zset", *[x for j in r for x in (str(j * 0.5), "z%d" % j)])
PY
}

ms_until_saved() { # port
  local t0 i
  t0=$(date +%s%N)
  redis-cli -p "$1" BGSAVE > /dev/null
  for ((i = 0; i < 60000; i++)); do
    redis-cli -p "$1" INFO persistence | grep -q 'rdb_bgsave_in_progress:0' && break
    sleep 0.005
  done
  echo $(( ($(date +%s%N) - t0) / 1000000 ))
}

for ((r = 1; r <= ROUNDS; r++)); do
  for name in fast redis; do
    port=$FAST_PORT; [[ $name == redis ]] && port=$REDIS_PORT
    dir="$WORK/$name-$r"; mkdir -p "$dir"
    start "$name" "$port" "$dir" > /dev/null
    populate "$port"
    bgsave=$(ms_until_saved "$port")
    t0=$(date +%s%N); redis-cli -p "$port" SAVE > /dev/null; save=$(( ($(date +%s%N) - t0) / 1000000 ))
    size=$(stat -c %s "$dir/dump.rdb")
    redis-cli -p "$port" SHUTDOWN NOSAVE > /dev/null 2>&1 || true
    sleep 0.5
    load=$(start "$name" "$port" "$dir")
    keys=$(redis-cli -p "$port" DBSIZE)
    redis-cli -p "$port" SHUTDOWN NOSAVE > /dev/null 2>&1 || true
    sleep 0.5
    echo "$r $name bgsave_ms=$bgsave save_ms=$save size=$size load_ms=$load keys=$keys"
  done
done | tee "$WORK/rounds"
python3 - "$WORK/rounds" <<'PY'
import sys, statistics as st
rows = {}
for line in open(sys.argv[1]):
    _, name, *kv = line.split()
    for k, v in (x.split("=") for x in kv):
        rows.setdefault(name, {}).setdefault(k, []).append(int(v))
for name, cols in rows.items():
    print(name.ljust(6), "  ".join("%s median %d" % (k, st.median(v)) for k, v in cols.items()))
f, r = rows["fast"], rows["redis"]
print("RedisFast / redis-server (medians): " + "  ".join("%s %.2f" % (k, st.median(f[k]) / st.median(r[k])) for k in ("bgsave_ms", "save_ms", "size", "load_ms")))
PY
