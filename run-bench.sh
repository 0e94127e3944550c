#!/usr/bin/env bash
# RedisFast vs redis-server, side by side on loopback, measured with redis-benchmark.
#
# Builds the host in Release, starts RedisFast and redis-server on free ports, waits until both answer PING,
# then runs every (test, clients, pipeline) cell on both servers, in rounds that alternate which server goes
# first (so slow drift on a shared machine hits both alike). Prints, per cell, the median over rounds of
# requests/s, p50 and p99 (ms), the ratio of the median requests/s RedisFast / Redis, and the median of the
# per-round ratios (each round measures both servers back to back). Both servers are stopped on exit.
#
# Usage: ./run-bench.sh [options]            (every option also has an environment variable, in brackets)
#   --rounds N          rounds per cell, median taken over them                              [ROUNDS=3]
#   --requests N        requests per cell at pipeline 1; a cell runs N x pipeline requests,
#                       and a quarter of that with a single client                           [REQUESTS=100000]
#   --tests LIST        redis-benchmark -t names, comma-separated (set,get,incr,lpush,...)  [TESTS=set,get]
#   --cells LIST        clients:pipeline pairs, comma-separated                              [CELLS=50:1,50:16,1:1]
#   --data-size N       value size in bytes (redis-benchmark -d)                             [DATA_SIZE=3]
#   --server-args ARGS  extra arguments for both servers (e.g. "--appendonly yes")           [SERVER_ARGS=]
#   --redisfast-args A  extra arguments for RedisFast only                                   [REDISFAST_ARGS=]
#   --redis-args ARGS   extra arguments for redis-server only                                [REDIS_ARGS=]
#   --bench-args ARGS   extra arguments for redis-benchmark (e.g. "-r 100000")               [BENCH_ARGS=]
#   --warmup N          untimed requests per test and server before round 1 (JIT tier-up),
#                       at -c 50 -P 16; 0 skips it                                           [WARMUP=200000]
#   --no-build          use the existing Release build                                       [NO_BUILD=1]
#   --out DIR           where the raw per-round CSV and the table go                         [OUT=bench-results]
#   --rewrite-keys N    rewrite mode instead of the side-by-side rounds: both servers with
#                       --appendonly yes and N keys (key:%012d, as redis-benchmark -r names them);
#                       per round and server, GET -c 50 -P 1 -r N without a rewrite, then during
#                       a BGREWRITEAOF; prints p99 of both, their ratio per server, and
#                       RedisFast's loop pause to take the snapshot (from its verbose log)    [REWRITE_KEYS=0]
# Runtime settings reach the host through the environment, e.g.
#   DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 DOTNET_SYSTEM_NET_SOCKETS_THREAD_COUNT=1 ./run-bench.sh
set -euo pipefail

ROUNDS="${ROUNDS:-3}"
REQUESTS="${REQUESTS:-100000}"
TESTS="${TESTS:-set,get}"
CELLS="${CELLS:-50:1,50:16,1:1}"
DATA_SIZE="${DATA_SIZE:-3}"
SERVER_ARGS="${SERVER_ARGS:-}"
REDISFAST_ARGS="${REDISFAST_ARGS:-}"
REDIS_ARGS="${REDIS_ARGS:-}"
BENCH_ARGS="${BENCH_ARGS:-}"
WARMUP="${WARMUP:-200000}"
NO_BUILD="${NO_BUILD:-0}"
OUT="${OUT:-bench-results}"
REWRITE_KEYS="${REWRITE_KEYS:-0}"

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; }

while [[ $# -gt 0 ]]; do
  case "$1" in
    --rounds) ROUNDS="$2"; shift 2 ;;
    --requests) REQUESTS="$2"; shift 2 ;;
    --tests) TESTS="$2"; shift 2 ;;
    --cells) CELLS="$2"; shift 2 ;;
    --data-size) DATA_SIZE="$2"; shift 2 ;;
    --server-args) SERVER_ARGS="$2"; shift 2 ;;
    --redisfast-args) REDISFAST_ARGS="$2"; shift 2 ;;
    --redis-args) REDIS_ARGS="$2"; shift 2 ;;
    --bench-args) BENCH_ARGS="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --no-build) NO_BUILD=1; shift ;;
    --out) OUT="$2"; shift 2 ;;
    --rewrite-keys) REWRITE_KEYS="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run-bench.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done

for tool in dotnet redis-server redis-cli redis-benchmark python3; do
  command -v "$tool" >/dev/null || { echo "run-bench.sh: '$tool' not found" >&2; exit 1; }
done
[[ "$ROUNDS" =~ ^[1-9][0-9]*$ ]] || { echo "run-bench.sh: --rounds must be a positive integer" >&2; exit 2; }
[[ "$REQUESTS" =~ ^[1-9][0-9]*$ ]] || { echo "run-bench.sh: --requests must be a positive integer" >&2; exit 2; }
[[ "$WARMUP" =~ ^[0-9]+$ ]] || { echo "run-bench.sh: --warmup must be a non-negative integer" >&2; exit 2; }

IFS=, read -ra tests <<< "$TESTS"
IFS=, read -ra cells <<< "$CELLS"
for cell in "${cells[@]}"; do
  [[ "$cell" =~ ^[1-9][0-9]*:[1-9][0-9]*$ ]] || { echo "run-bench.sh: bad cell '$cell' (want clients:pipeline)" >&2; exit 2; }
done

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$ROOT"
HOST_DLL="$ROOT/src/RedisFast.Server/bin/Release/net10.0/RedisFast.Server.dll"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/run-bench.XXXXXX")"
FAST_PID=""
REDIS_PID=""

cleanup() {
  local pid
  for pid in "$FAST_PID" "$REDIS_PID"; do
    [[ -n "$pid" ]] && kill "$pid" 2>/dev/null || true
  done
  for pid in "$FAST_PID" "$REDIS_PID"; do
    [[ -n "$pid" ]] && wait "$pid" 2>/dev/null || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [[ "$NO_BUILD" != 1 ]]; then
  echo "== building Release" >&2
  dotnet build -c Release "$ROOT/src/RedisFast.Server/RedisFast.Server.csproj" -nologo -v quiet >&2
fi
[[ -f "$HOST_DLL" ]] || { echo "run-bench.sh: $HOST_DLL missing (build first or drop --no-build)" >&2; exit 1; }

# Two distinct free ports, chosen by the kernel.
read -r FAST_PORT REDIS_PORT < <(python3 -c '
import socket
a, b = socket.socket(), socket.socket()
a.bind(("127.0.0.1", 0)); b.bind(("127.0.0.1", 0))
print(a.getsockname()[1], b.getsockname()[1])')

read -ra server_args <<< "$SERVER_ARGS"
read -ra fast_args <<< "$REDISFAST_ARGS"
read -ra redis_args <<< "$REDIS_ARGS"
read -ra bench_args <<< "$BENCH_ARGS"
if ((REWRITE_KEYS > 0)); then
  fast_args+=(--appendonly yes --appendfsync everysec --loglevel verbose)
  redis_args+=(--appendonly yes --appendfsync everysec)
fi

echo "== RedisFast on 127.0.0.1:$FAST_PORT, redis-server on 127.0.0.1:$REDIS_PORT" >&2
# A data directory each: with --server-args "--appendonly yes" both would otherwise write the same appendonlydir.
mkdir -p "$WORK/redisfast" "$WORK/redis"
(cd "$WORK/redisfast" && exec dotnet "$HOST_DLL" --port "$FAST_PORT" --bind 127.0.0.1 --save '' --dir "$WORK/redisfast" \
  "${server_args[@]}" "${fast_args[@]}") > "$WORK/redisfast.log" 2>&1 &
FAST_PID=$!
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$WORK/redis" \
  "${server_args[@]}" "${redis_args[@]}" > "$WORK/redis.log" 2>&1 &
REDIS_PID=$!

wait_for_ping() { # name port pid log
  local i
  for ((i = 0; i < 300; i++)); do
    if [[ "$(redis-cli -h 127.0.0.1 -p "$2" PING 2>/dev/null || true)" == PONG ]]; then return 0; fi
    if ! kill -0 "$3" 2>/dev/null; then
      echo "run-bench.sh: $1 exited before answering PING; its log:" >&2; cat "$4" >&2; exit 1
    fi
    sleep 0.1
  done
  echo "run-bench.sh: $1 did not answer PING within 30 s; its log:" >&2; cat "$4" >&2; exit 1
}
wait_for_ping RedisFast "$FAST_PORT" "$FAST_PID" "$WORK/redisfast.log"
wait_for_ping redis-server "$REDIS_PORT" "$REDIS_PID" "$WORK/redis.log"

mkdir -p "$OUT"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
RAW="$OUT/run-$stamp.csv"
echo "round,server,test,clients,pipeline,requests,rps,p50_ms,p99_ms,client_cpu" > "$RAW"

# redis-benchmark against one server with the common arguments; its CSV on stdout. Fails the run, with the server's
# error, when a command is refused (redis-benchmark stops at the first error reply: "unknown command" means the
# command is not implemented there) or when the server died.
bench() { # server port redis-benchmark-args...
  local server=$1 port=$2 pid=$FAST_PID
  shift 2
  [[ $server == redis ]] && pid=$REDIS_PID
  # The client's own CPU time goes to bench.time: at -P 1 redis-benchmark is often the bottleneck, whatever the server.
  local TIMEFORMAT='%R %U %S'
  if ! { time redis-benchmark -h 127.0.0.1 -p "$port" -d "$DATA_SIZE" --csv "$@" "${bench_args[@]}" \
      > "$WORK/bench.out" 2> "$WORK/bench.err"; } 2> "$WORK/bench.time"; then
    echo "run-bench.sh: redis-benchmark $* failed on $server:" >&2
    grep -v "Could not fetch server CONFIG" "$WORK/bench.err" >&2 || true
    kill -0 "$pid" 2>/dev/null || echo "run-bench.sh: $server is no longer running" >&2
    exit 1
  fi
  cat "$WORK/bench.out"
}

# One cell on one server; appends a CSV row. redis-benchmark 7.0 --csv prints
# "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms".
run_cell() { # round server port test clients pipeline
  local round=$1 server=$2 port=$3 test=$4 clients=$5 pipeline=$6 n line
  n=$((REQUESTS * pipeline))
  ((clients == 1)) && n=$((n / 4))
  line="$(bench "$server" "$port" -t "$test" -n "$n" -c "$clients" -P "$pipeline" | tail -n 1)"
  IFS=, read -r _ rps _ _ p50 _ p99 _ <<< "${line//\"/}"
  [[ "$rps" =~ ^[0-9.]+$ ]] || { echo "run-bench.sh: unexpected redis-benchmark output for $server $test: $line" >&2; exit 1; }
  # Busy fraction of the benchmark client (user + system time over wall time): near 1.00 the cell measures the client.
  local cpu
  cpu="$(awk '{ printf "%.2f", ($2 + $3) / ($1 > 0 ? $1 : 1) }' "$WORK/bench.time")"
  echo "$round,$server,$test,$clients,$pipeline,$n,$rps,$p50,$p99,$cpu" >> "$RAW"
  printf '   round %d %-9s %-6s -c %-3s -P %-3s %12s rps  p50 %s  p99 %s  client cpu %s\n' "$round" "$server" "$test" "$clients" "$pipeline" "$rps" "$p50" "$p99" "$cpu" >&2
}

# RedisFast's request path starts in tier-0 code and is recompiled once hot (.NET tiered compilation): warm both
# servers the same way so round 1 measures steady state, not the JIT.
if ((WARMUP > 0)); then
  echo "== warm-up: $WARMUP requests per test and server" >&2
  for test in "${tests[@]}"; do
    bench redisfast "$FAST_PORT" -t "$test" -n "$WARMUP" -c 50 -P 16 > /dev/null
    bench redis "$REDIS_PORT" -t "$test" -n "$WARMUP" -c 50 -P 16 > /dev/null
  done
fi

if ((REWRITE_KEYS > 0)); then
  # Rewrite mode: GET latency while a background AOF rewrite of REWRITE_KEYS keys runs, on both servers (redis-server
  # forks for it: its own ratio is the reference on this machine).
  populate() { # port
    python3 - "$REWRITE_KEYS" <<'PY' | redis-cli -h 127.0.0.1 -p "$1" --pipe >&2
import sys
n = int(sys.argv[1]); out = sys.stdout.buffer
for start in range(0, n, 1000):
    keys = range(start, min(n, start + 1000))
    parts = [b"*%d\r\n$4\r\nMSET\r\n" % (1 + 2 * len(keys))]
    for i in keys:
        k = b"key:%012d" % i
        parts.append(b"$%d\r\n%s\r\n$3\r\nxxx\r\n" % (len(k), k))
    out.write(b"".join(parts))
PY
  }
  wait_rewrite() { # port
    while redis-cli -h 127.0.0.1 -p "$1" INFO persistence | grep -q 'aof_rewrite_in_progress:1'; do sleep 0.05; done
  }
  for port in "$FAST_PORT" "$REDIS_PORT"; do
    echo "== populating $REWRITE_KEYS keys on port $port" >&2
    populate "$port"
    redis-cli -h 127.0.0.1 -p "$port" BGREWRITEAOF > /dev/null   # the first rewrite warms its code up
    wait_rewrite "$port"
  done
  echo "round,server,mode,rps,p50_ms,p99_ms,rewrite_still_running" > "$RAW"
  n=$((REQUESTS / 2))
  for ((round = 1; round <= ROUNDS; round++)); do
    for server in redisfast redis; do
      port=$FAST_PORT
      [[ $server == redis ]] && port=$REDIS_PORT
      for mode in idle rewrite; do
        [[ $mode == rewrite ]] && redis-cli -h 127.0.0.1 -p "$port" BGREWRITEAOF > /dev/null
        line="$(bench "$server" "$port" -t get -n "$n" -c 50 -P 1 -r "$REWRITE_KEYS" | tail -n 1)"
        running="$(redis-cli -h 127.0.0.1 -p "$port" INFO persistence | sed -n 's/^aof_rewrite_in_progress:\([01]\).*/\1/p')"
        IFS=, read -r _ rps _ _ p50 _ p99 _ <<< "${line//\"/}"
        echo "$round,$server,$mode,$rps,$p50,$p99,$running" >> "$RAW"
        printf '   round %d %-9s GET during %-8s %12s rps  p50 %s  p99 %s  (rewrite running at the end: %s)\n' "$round" "$server" "$mode" "$rps" "$p50" "$p99" "$running" >&2
        wait_rewrite "$port"
      done
    done
  done
  echo
  echo "GET -c 50 -P 1 -r $REWRITE_KEYS ($n requests) without / during a BGREWRITEAOF of $REWRITE_KEYS keys, $ROUNDS round(s), $(date -u '+%Y-%m-%d %H:%M UTC'), load $(cut -d' ' -f1-3 /proc/loadavg)"
  python3 - "$RAW" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))
def med(server, mode, f): return statistics.median(float(r[f]) for r in rows if r["server"] == server and r["mode"] == mode)
print("| server | GET | rps | p50 ms | p99 ms |")
print("|---|---|---:|---:|---:|")
for server in ("redisfast", "redis"):
    for m in ("idle", "rewrite"):
        print(f"| {server} | {m} | {med(server, m, 'rps'):,.0f} | {med(server, m, 'p50_ms'):.3f} | {med(server, m, 'p99_ms'):.3f} |")
for server in ("redisfast", "redis"):
    print(f"{server}: p99 during rewrite / p99 idle: {med(server, 'rewrite', 'p99_ms') / med(server, 'idle', 'p99_ms'):.2f}")
PY
  echo "loop pause to take each snapshot (verbose log):"
  grep -o 'AOF rewrite snapshot of .*' "$WORK/redisfast.log" | sed 's/^/  /'
  grep -o 'Background AOF rewrite finished successfully' "$WORK/redisfast.log" | wc -l | sed 's/^/  rewrites completed: /'
  exit 0
fi

LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
for ((round = 1; round <= ROUNDS; round++)); do
  echo "== round $round/$ROUNDS" >&2
  for cell in "${cells[@]}"; do
    clients="${cell%%:*}"
    pipeline="${cell##*:}"
    for test in "${tests[@]}"; do
      # Alternate which server goes first, round by round.
      if ((round % 2 == 1)); then
        run_cell "$round" redisfast "$FAST_PORT" "$test" "$clients" "$pipeline"
        run_cell "$round" redis "$REDIS_PORT" "$test" "$clients" "$pipeline"
      else
        run_cell "$round" redis "$REDIS_PORT" "$test" "$clients" "$pipeline"
        run_cell "$round" redisfast "$FAST_PORT" "$test" "$clients" "$pipeline"
      fi
    done
  done
done

# Median per (server, test, clients, pipeline) of each measure, then one row per cell.
TABLE="$OUT/run-$stamp.md"
python3 - "$RAW" "$TESTS" "$CELLS" > "$TABLE" <<'PY'
import csv, statistics, sys
raw, tests, cells = sys.argv[1], sys.argv[2].split(","), sys.argv[3].split(",")
rows = {}
for r in csv.DictReader(open(raw)):
    key = (r["server"], r["test"], r["clients"], r["pipeline"])
    rows.setdefault(key, []).append(r)
def med(key, field):
    return statistics.median(float(r[field]) for r in rows[key])
def paired(f, r):
    # Each round measures both servers back to back, so the ratio within a round cancels the machine's drift
    # between rounds (a shared machine's speed moves by 2x over minutes); the median of those ratios is the
    # figure to quote. The ratio of the two medians is shown too.
    by_round = {x["round"]: float(x["rps"]) for x in rows[r]}
    return statistics.median(float(x["rps"]) / by_round[x["round"]] for x in rows[f] if x["round"] in by_round)
print("| command | clients | pipeline | RedisFast rps | p50 ms | p99 ms | Redis rps | p50 ms | p99 ms | ratio of medians | median paired ratio | client CPU (vs RedisFast / vs Redis) |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for cell in cells:
    clients, pipeline = cell.split(":")
    for test in tests:
        f, r = ("redisfast", test, clients, pipeline), ("redis", test, clients, pipeline)
        fr, rr = med(f, "rps"), med(r, "rps")
        print(f"| {test.upper()} | {clients} | {pipeline} | {fr:,.0f} | {med(f, 'p50_ms'):.3f} | {med(f, 'p99_ms'):.3f} "
              f"| {rr:,.0f} | {med(r, 'p50_ms'):.3f} | {med(r, 'p99_ms'):.3f} | {fr / rr:.2f} | {paired(f, r):.2f} "
              f"| {med(f, 'client_cpu'):.2f} / {med(r, 'client_cpu'):.2f} |")
PY

echo
echo "RedisFast vs redis-server $(redis-server --version | sed -n 's/.*v=\([^ ]*\).*/\1/p'), median of $ROUNDS round(s), $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores"
echo "requests per cell: $REQUESTS x pipeline (/4 with one client), value size $DATA_SIZE B"
echo "load average (1/5/15 min) before the rounds: $LOAD_BEFORE, after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "client CPU: busy fraction of the redis-benchmark process; at about 0.95 or more the client, not the server, sets the rate"
[[ -n "$SERVER_ARGS$REDISFAST_ARGS$REDIS_ARGS$BENCH_ARGS" ]] && \
  echo "server args: '$SERVER_ARGS'  RedisFast: '$REDISFAST_ARGS'  redis-server: '$REDIS_ARGS'  redis-benchmark: '$BENCH_ARGS'"
echo
cat "$TABLE"
echo
echo "raw rounds: $RAW, table: $TABLE" >&2
