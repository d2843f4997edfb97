#!/usr/bin/env bash
# Load test of the demo's authenticated PATCH /profile (BENCHMARKS.md, "The demo under load").
#
#   scripts/load.sh [SECONDS] [CONNECTIONS] [ROUNDS]      (default 10 s, 16 connections, 3 rounds)
#
# Builds in release the demo and benches/examples/load_server.rs (the demo's app with two
# switches: the credentials cache on/off, and the PATCH handler either the demo's
# SafePatch<UserPatch> or the baseline with plain Identity + web::Json<UserPatch>), then for
# each variant, ROUNDS times in interleaved order: a fresh database, the server on a free
# port of 127.0.0.1, a 2 s warm-up, and `wrk` for SECONDS with CONNECTIONS connections on
# 2 threads. Every request is a PATCH by alice with a different bio, so every request writes.
# Reports the median over rounds of requests/s and of the p50/p99 latencies, the non-2xx
# count, and the server's peak resident memory (VmHWM). wrk is installed with apt if missing.
#
# LOAD_SAME_BODY=1 sends the same bio every time instead: after the first request nothing
# changes, so no transaction commits and the HTTP, auth and extractor work weighs more.
# LOAD_VARIANTS="name ..." runs only the named variants.
#
#   scripts/load.sh --backends [SECONDS] [CONNECTIONS] [ROUNDS]
#
# The same load against the demo binary on its two backends and with one or two instances:
# sqlite_one (a fresh SQLite file), postgres_one (a fresh PostgreSQL database) and
# postgres_two (two demo processes on one fresh PostgreSQL database; wrk's first thread
# talks to one, its second to the other, so one latency histogram covers both).
# SAFE_UPDATE_TEST_POSTGRES names the server, as for the tests; the databases are dropped
# at the end.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BACKENDS=false
if [ "${1:-}" = --backends ]; then
    BACKENDS=true
    shift
fi
SECONDS_PER_RUN="${1:-10}"
CONNECTIONS="${2:-16}"
ROUNDS="${3:-3}"
WORK="$(mktemp -d)"
# shellcheck source=scripts/lib.sh
source "$ROOT/scripts/lib.sh"
trap 'stop_all_servers; drop_pg_databases; rm -rf "$WORK"' EXIT
if $BACKENDS; then
    PG_ADMIN="${SAFE_UPDATE_TEST_POSTGRES:-}"
    if [ -z "$PG_ADMIN" ]; then
        echo "--backends needs a PostgreSQL server: set SAFE_UPDATE_TEST_POSTGRES (see README)" >&2
        exit 2
    fi
    pg_client || { echo "psql is missing and could not be installed" >&2; exit 1; }
fi

if ! command -v wrk >/dev/null; then
    echo "== installing wrk"
    apt-get install -y -qq wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
fi

echo "== building (release)"
cd "$ROOT"
cargo build --quiet --release -p safe-update-demo --bin safe-update-demo
cargo build --quiet --release -p safe-update-benches --example load_server
DEMO="$ROOT/target/release/safe-update-demo"
LOAD_SERVER="$ROOT/target/release/examples/load_server"

cat >"$WORK/patch.lua" <<'LUA'
-- Every request a different bio, so that every PATCH writes a row.
local counter = 0
local threads = 0
function setup(thread)
  thread:set("id", threads)
  -- LOAD_PORTS="p1 p2": thread n talks to the instance on port n mod 2 (--backends).
  local ports = {}
  for port in (os.getenv("LOAD_PORTS") or ""):gmatch("%d+") do ports[#ports + 1] = port end
  if #ports > 0 then
    thread.addr = wrk.lookup("127.0.0.1", ports[(threads % #ports) + 1])[1]
  end
  threads = threads + 1
end
function init(args)
  wrk.method = "PATCH"
  wrk.headers["Authorization"] = os.getenv("LOAD_AUTH")
  wrk.headers["Content-Type"] = "application/json"
end
local same = os.getenv("LOAD_SAME_BODY") == "1"
function request()
  counter = counter + 1
  if same then
    return wrk.format(nil, "/profile", nil, '{"display_name":"Alice","bio":"unchanged"}')
  end
  local body = '{"display_name":"Alice","bio":"load ' .. (id or 0) .. '.' .. counter .. '"}'
  return wrk.format(nil, "/profile", nil, body)
end
LUA

# variant name, then the command after "--db DB --listen ADDR"
VARIANTS=(
    "demo_binary_cache_on|$DEMO"
    "safe_update_cache_on|$LOAD_SERVER --handler safe --cache on"
    "web_json_cache_on|$LOAD_SERVER --handler json --cache on"
    "safe_update_cache_off|$LOAD_SERVER --handler safe --cache off"
    "web_json_cache_off|$LOAD_SERVER --handler json --cache off"
)

# --backends: variant name, then the backend and the number of demo instances.
if $BACKENDS; then
    VARIANTS=(
        "sqlite_one|sqlite 1"
        "postgres_one|postgres 1"
        "postgres_two|postgres 2"
    )
fi

if [ -n "${LOAD_VARIANTS:-}" ]; then
    SELECTED=()
    for variant in "${VARIANTS[@]}"; do
        for wanted in $LOAD_VARIANTS; do
            [ "${variant%%|*}" = "$wanted" ] && SELECTED+=("$variant")
        done
    done
    VARIANTS=("${SELECTED[@]}")
fi
export LOAD_SAME_BODY="${LOAD_SAME_BODY:-0}"

declare -A RPS P50 P99 NON2XX RSS
run_variant() { # name command... ; appends one round's figures
    local name="$1"
    shift
    local binary="$1"
    shift
    local db="$WORK/$name.db"
    rm -f "$db" "$db-wal" "$db-shm"
    start_server "$name" "$binary" "$db" "$@"
    LOAD_PORTS=""
    measure "$name" "$SERVER_PID"
}

run_backend() { # name sqlite|postgres INSTANCES ; appends one round's figures
    local name="$1" backend="$2" count="$3" db i pids=() ports=()
    if [ "$backend" = postgres ]; then
        pg_database "$name"
        db="$PG_URL"
    else
        db="sqlite:$WORK/$name.db"
        rm -f "$WORK/$name.db" "$WORK/$name.db-wal" "$WORK/$name.db-shm"
    fi
    for i in $(seq "$count"); do
        start_server "$name-$i" "$DEMO" "$db"
        pids+=("$SERVER_PID")
        ports+=("$SERVER_PORT")
    done
    LOAD_PORTS="${ports[*]}"
    measure "$name" "${pids[@]}"
}

measure() { # name pid... : wrk against $SERVER_PORT (or $LOAD_PORTS), then stops the servers
    local name="$1"
    shift
    local auth
    auth="Basic $(printf 'alice:%s' "$ALICE_PASSWORD" | base64 -w0)"
    export LOAD_AUTH="$auth" LOAD_PORTS
    local url="http://127.0.0.1:$SERVER_PORT"
    wrk -t2 -c"$CONNECTIONS" -d2s -s "$WORK/patch.lua" "$url" >/dev/null
    wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" --latency -s "$WORK/patch.lua" "$url" >"$WORK/$name.wrk"
    # Peak resident memory: the sum over the instances.
    local rss=0 pid
    for pid in "$@"; do
        rss=$(awk -v a="$rss" -v b="$(peak_rss_mib "$pid")" 'BEGIN {printf "%.1f", a + b}')
    done
    for pid in "$@"; do
        stop_server "$pid"
    done
    local rps p50 p99 non2xx
    rps=$(awk '/^Requests\/sec:/ {print $2}' "$WORK/$name.wrk")
    p50=$(awk '$1 == "50%" {print $2}' "$WORK/$name.wrk")
    p99=$(awk '$1 == "99%" {print $2}' "$WORK/$name.wrk")
    non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' "$WORK/$name.wrk")
    non2xx=${non2xx:-0}
    echo "   $name: $rps req/s, p50 $p50, p99 $p99, non-2xx $non2xx, peak RSS $rss MiB"
    RPS[$name]+="$rps "
    P50[$name]+="$(to_ms "$p50") "
    P99[$name]+="$(to_ms "$p99") "
    NON2XX[$name]=$(( ${NON2XX[$name]:-0} + non2xx ))
    RSS[$name]+="$rss "
}

to_ms() { # wrk's "1.23ms" / "456.00us" / "1.20s" -> milliseconds
    awk -v v="$1" 'BEGIN {
        if (v ~ /us$/) { sub(/us$/, "", v); printf "%.3f", v / 1000 }
        else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.3f", v }
        else if (v ~ /s$/) { sub(/s$/, "", v); printf "%.3f", v * 1000 }
        else print v }'
}
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.2f", m}'; }
maximum() { tr ' ' '\n' | grep -v '^$' | sort -g | tail -1; }

for round in $(seq "$ROUNDS"); do
    echo "== round $round of $ROUNDS"
    for variant in "${VARIANTS[@]}"; do
        name="${variant%%|*}"
        # shellcheck disable=SC2086
        if $BACKENDS; then run_backend "$name" ${variant#*|}; else run_variant "$name" ${variant#*|}; fi
    done
done

echo
body="a different bio every request (every request commits)"
[ "$LOAD_SAME_BODY" = 1 ] && body="the same bio every request (nothing changes, nothing commits)"
echo "load: PATCH /profile with $body, wrk -t2 -c$CONNECTIONS -d${SECONDS_PER_RUN}s, median of $ROUNDS rounds"
printf '%-24s %10s %9s %9s %8s %14s\n' variant "req/s" "p50 ms" "p99 ms" "non-2xx" "peak RSS MiB"
for variant in "${VARIANTS[@]}"; do
    name="${variant%%|*}"
    printf '%-24s %10s %9s %9s %8s %14s\n' "$name" "$(echo "${RPS[$name]}" | median)" \
        "$(echo "${P50[$name]}" | median)" "$(echo "${P99[$name]}" | median)" \
        "${NON2XX[$name]}" "$(echo "${RSS[$name]}" | maximum)"
done
if $BACKENDS; then
    sqlite=$(echo "${RPS[sqlite_one]:-0}" | median)
    one=$(echo "${RPS[postgres_one]:-0}" | median)
    two=$(echo "${RPS[postgres_two]:-0}" | median)
    awk -v s="$sqlite" -v o="$one" -v t="$two" 'BEGIN {
        if (s > 0 && o > 0) printf "PostgreSQL / SQLite throughput (one instance) = %.3f\n", o / s
        if (o > 0 && t > 0) printf "two instances / one instance (PostgreSQL) = %.3f\n", t / o }'
fi
for cache in on off; do
    [ -n "${RPS[safe_update_cache_$cache]:-}" ] && [ -n "${RPS[web_json_cache_$cache]:-}" ] || continue
    safe=$(echo "${RPS[safe_update_cache_$cache]}" | median)
    json=$(echo "${RPS[web_json_cache_$cache]}" | median)
    awk -v s="$safe" -v j="$json" -v c="$cache" 'BEGIN {
        printf "cache %s: SafePatch throughput / web::Json throughput = %.3f (cost %.1f%%)\n", c, s / j, (1 - s / j) * 100 }'
done
echo "all rounds (req/s):"
for variant in "${VARIANTS[@]}"; do
    name="${variant%%|*}"
    echo "   $name: ${RPS[$name]}"
done
echo "$(date -u +%FT%TZ); $(nproc) cores; $(free -h | awk '/^Mem:/ {print $2}') memory; $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2)"
