# The multi-instance checks of scripts/reliability.sh (--instances): two demo servers (the
# actix one and the axum one, which share every rule) as behind a load balancer, sharing
# their login counters through each shared store, and, on one PostgreSQL database, their
# data. Sourced by reliability.sh, which defines result, client, start_server, $DEMO,
# $DEMO_AXUM, $CLIENTS, $UPDATES, $KILL_AFTER, $DEADLINE and $WORK.
#
#   burst-sqlite    BURST (200) concurrent wrong passwords for alice, alternating between the
#                   two, on one SQLite file (its counters' table): exactly 5 checked in all,
#                   the rest 429.
#   burst-postgres  the same on one PostgreSQL database (the library's PostgresCounters).
#   burst-redis     the same on two SQLite files, which share nothing but the Redis their
#                   counters are in (--limiter redis://..., the library's RedisCounters, a
#                   key prefix of this run's own).
#   burst-control   the same on one SQLite file with each instance's counters in its own
#                   memory (--limiter memory) must be reported as more than 5 checked, which
#                   shows the burst check can fail across instances.
#   lost-update     CLIENTS x UPDATES read-modify-write updates with If-Match, client c on
#                   instance c mod 2, one PostgreSQL database: no acknowledged update lost, at
#                   any read or at the end.
#   self-test       the same load over both without If-Match must be reported as losing
#                   updates, which shows the check can fail across instances.
#   kill            the same load; SIGKILL to one instance after KILL_AFTER acknowledged
#                   updates; its clients move to the other, which keeps answering; at the end
#                   every acknowledged update is there and the version counts exactly them.
#
# The servers: SAFE_UPDATE_TEST_POSTGRES (as for the tests) names the PostgreSQL server, each
# check on a database of its own, dropped at the end (pg_database in lib.sh); without it the
# PostgreSQL checks are skipped, and say so. SAFE_UPDATE_TEST_REDIS names the Redis server;
# without it burst-redis is skipped, and says so. The SQLite checks need no server.

BURST=200
PG_ADMIN="${SAFE_UPDATE_TEST_POSTGRES:-}"
REDIS_URL="${SAFE_UPDATE_TEST_REDIS:-}"
trap 'stop_all_servers; drop_pg_databases; rm -rf "$WORK"' EXIT

# start_two NAME DB_A DB_B [ARGS...]: instance A (actix) on DB_A, then B (axum) on DB_B, both
# with ARGS; sets A_PID A_PORT B_PID B_PORT.
start_two() {
    local name="$1" db_a="$2" db_b="$3"
    shift 3
    start_server "$name-a" "$DEMO" "$db_a" "$@"
    A_PID="$SERVER_PID" A_PORT="$SERVER_PORT"
    start_server "$name-b" "$DEMO_AXUM" "$db_b" "$@"
    B_PID="$SERVER_PID" B_PORT="$SERVER_PORT"
}

# start_pair NAME DB [ARGS...]: A and B on one database.
start_pair() {
    local name="$1" db="$2"
    shift 2
    start_two "$name" "$db" "$db" "$@"
}

# burst: BURST concurrent wrong passwords for alice, alternating between A and B; prints
# login_burst.py's line, exit status 0 only for exactly 5 checked.
burst() {
    python3 "$ROOT/scripts/login_burst.py" --port "$A_PORT" --port "$B_PORT" \
        --user alice --count "$BURST" --limit 5
}

# burst_check NAME WHAT: runs the burst over A and B, records NAME, stops both.
burst_check() {
    local out
    if out=$(burst); then
        result "$1" pass "$2: $out"
    else
        result "$1" fail "$2: $out"
    fi
    stop_server "$A_PID"
    stop_server "$B_PID"
}

echo "== instances burst-sqlite: $BURST concurrent wrong passwords over two instances on one SQLite file"
start_pair burst-sqlite "$WORK/burst-sqlite.db"
burst_check instances-burst-sqlite "the file's counters"

echo "== instances burst-postgres: the same on one PostgreSQL database"
if [ -z "$PG_ADMIN" ]; then
    result instances-burst-postgres skip "SAFE_UPDATE_TEST_POSTGRES is not set: no PostgreSQL server to share"
elif ! pg_client; then
    result instances-burst-postgres fail "psql is missing and could not be installed"
else
    pg_database burst
    start_pair burst-postgres "$PG_URL"
    burst_check instances-burst-postgres "PostgresCounters"
fi

echo "== instances burst-redis: the same on two SQLite files sharing one Redis"
if [ -z "$REDIS_URL" ]; then
    result instances-burst-redis skip "SAFE_UPDATE_TEST_REDIS is not set: no Redis server to share"
else
    # Counters of earlier runs (alive a minute) are under other prefixes.
    start_two burst-redis "$WORK/burst-redis-a.db" "$WORK/burst-redis-b.db" \
        --limiter "$REDIS_URL" --limiter-prefix "safe-update-reliability:$$:$(date +%s%N):"
    burst_check instances-burst-redis "RedisCounters, two files"
fi

echo "== instances burst-control: counters in each instance's memory must be caught checking more than 5"
start_pair burst-control "$WORK/burst-control.db" --limiter memory
status=0
out=$(burst) || status=$?
checked=$(sed -n 's/.* instance(s): \([0-9]*\) checked (401).*/\1/p' <<<"$out")
if [ "$status" -ne 0 ] && [ "${checked:-0}" -gt 5 ]; then
    result instances-burst-control pass "with --limiter memory, reported as expected: $out"
else
    result instances-burst-control fail "with --limiter memory the check did not report more than 5 checks: it is blind (exit $status: $out)"
fi
stop_server "$A_PID"
stop_server "$B_PID"

if [ -z "$PG_ADMIN" ]; then
    result instances skip "SAFE_UPDATE_TEST_POSTGRES is not set: no lost-update, self-test or kill check"
    return 0
fi
if ! pg_client; then
    result instances fail "psql is missing and could not be installed"
    return 0
fi

echo "== instances lost-update: $CLIENTS clients x $UPDATES updates over two instances"
pg_database lost
start_pair lost "$PG_URL"
if client load --port "$A_PORT" --port "$B_PORT" --user alice --password "$ALICE_PASSWORD" \
    --clients "$CLIENTS" --updates "$UPDATES" --deadline "$DEADLINE" \
    --acked "$WORK/instances-lost.json" >"$WORK/instances-lost.txt" 2>&1; then
    result instances-lost-update pass "$(grep '^load:' "$WORK/instances-lost.txt")"
else
    grep VIOLATION "$WORK/instances-lost.txt" | head -5 >&2 || true
    result instances-lost-update fail "$(grep '^load:' "$WORK/instances-lost.txt")"
fi
stop_server "$A_PID"
stop_server "$B_PID"

echo "== instances self-test: the same load without If-Match must be caught losing updates"
pg_database selftest
start_pair selftest "$PG_URL"
client load --port "$A_PORT" --port "$B_PORT" --user alice --password "$ALICE_PASSWORD" \
    --clients "$CLIENTS" --updates 10 --deadline "$DEADLINE" --without-if-match \
    --acked "$WORK/instances-selftest.json" >"$WORK/instances-selftest.txt" 2>&1 || true
# Only lost updates count: a checker failing for another reason (a crash, a timeout) is blind.
lost=$(grep -c '^VIOLATION: lost update\|^VIOLATION: acknowledged .* missing' "$WORK/instances-selftest.txt" || true)
if [ "$lost" -ge 1 ]; then
    result instances-self-test pass "without If-Match: $lost lost updates detected over two instances, as expected"
else
    result instances-self-test fail "no lost update detected without If-Match over two instances: the check is blind ($(tail -1 "$WORK/instances-selftest.txt"))"
fi
stop_server "$A_PID"
stop_server "$B_PID"

echo "== instances kill: SIGKILL to one instance after $KILL_AFTER acknowledged updates"
pg_database kill
start_pair kill "$PG_URL"
# B last: the client reads the final state through the last --port, the survivor.
if client load --port "$A_PORT" --port "$B_PORT" --user alice --password "$ALICE_PASSWORD" \
    --clients "$CLIENTS" --updates "$UPDATES" --deadline "$DEADLINE" \
    --kill-pid "$A_PID" --kill-after "$KILL_AFTER" --failover \
    --acked "$WORK/instances-kill.json" >"$WORK/instances-kill.txt" 2>&1; then
    result instances-kill pass "$(grep -h '^SIGKILL\|^after the kill\|^load:' "$WORK/instances-kill.txt" | paste -sd ';' | sed 's/;/; /g')"
else
    grep VIOLATION "$WORK/instances-kill.txt" | head -5 >&2 || true
    result instances-kill fail "$(grep '^load:' "$WORK/instances-kill.txt")"
fi
# Reap the killed instance here, so that the shell's "Killed" notice is not in a log.
wait "$A_PID" 2>/dev/null || true
stop_server "$B_PID"
