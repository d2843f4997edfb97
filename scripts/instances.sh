# The multi-instance checks of scripts/reliability.sh (--instances): two demo servers (the
# actix one and the axum one, which share every rule) on one PostgreSQL database, as behind a
# load balancer. Sourced by reliability.sh, which defines result, client, start_server,
# $DEMO, $DEMO_AXUM, $CLIENTS, $UPDATES, $KILL_AFTER, $DEADLINE and $WORK.
#
#   lost-update  CLIENTS x UPDATES read-modify-write updates with If-Match, client c on
#                instance c mod 2: no acknowledged update lost, at any read or at the end.
#   self-test    the same load over both without If-Match must be reported as losing
#                updates, which shows the check can fail across instances.
#   burst        64 concurrent wrong passwords for alice, spread over both: exactly 5 checked
#                in all (the counters are in the database), the rest 429.
#   kill         the same load; SIGKILL to one instance after KILL_AFTER acknowledged updates;
#                its clients move to the other, which keeps answering; at the end every
#                acknowledged update is there and the version counts exactly them.
#
# The database: SAFE_UPDATE_TEST_POSTGRES (as for the tests) names the server; each check
# gets a database of its own, dropped at the end (pg_database in lib.sh).

PG_ADMIN="${SAFE_UPDATE_TEST_POSTGRES:-}"
if [ -z "$PG_ADMIN" ]; then
    result instances skip "SAFE_UPDATE_TEST_POSTGRES is not set: no PostgreSQL server to share"
    return 0
fi
if ! pg_client; then
    result instances fail "psql is missing and could not be installed"
    return 0
fi
trap 'stop_all_servers; drop_pg_databases; rm -rf "$WORK"' EXIT

# start_pair NAME URL: instance A (actix) then B (axum) on URL; sets A_PID A_PORT B_PID B_PORT.
start_pair() {
    start_server "$1-a" "$DEMO" "$2"
    A_PID="$SERVER_PID" A_PORT="$SERVER_PORT"
    start_server "$1-b" "$DEMO_AXUM" "$2"
    B_PID="$SERVER_PID" B_PORT="$SERVER_PORT"
}

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

echo "== instances burst: 64 concurrent wrong passwords over two instances"
pg_database burst
start_pair burst "$PG_URL"
if out=$(python3 "$ROOT/scripts/login_burst.py" --port "$A_PORT" --port "$B_PORT" \
    --user alice --count 64 --limit 5); then
    result instances-burst pass "$out"
else
    result instances-burst fail "$out"
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
