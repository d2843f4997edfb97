#!/usr/bin/env bash
# Reliability checks of the demo and the library (BENCHMARKS.md, "Reliability").
#
#   scripts/reliability.sh --short   every check, small: dev build of the demo, 16 clients x
#                                    50 updates, 21 timing rounds (tolerance 0.15), 5 s of
#                                    fuzzing per target
#                                    (what .ci/run calls; about 2 minutes after the builds)
#   scripts/reliability.sh           the long version: release build, 16 clients x 200
#                                    updates, crash after 1000 acknowledged updates, the
#                                    timing check and both fuzz targets (FUZZ_SECONDS each,
#                                    default 60; needs a nightly toolchain, cargo-fuzz is
#                                    installed if missing)
#   scripts/reliability.sh --instances [--short]
#                                    the multi-instance checks instead (scripts/instances.sh):
#                                    a login burst of 200 over two servers for each shared
#                                    store of counters (an SQLite file; PostgreSQL with
#                                    SAFE_UPDATE_TEST_POSTGRES; Redis with
#                                    SAFE_UPDATE_TEST_REDIS) and its control (counters in
#                                    memory); on one PostgreSQL database, lost updates (and
#                                    their self-test) and SIGKILL of one instance under load
#
# Checks:
#   lost-update  16 clients make read-modify-write updates of alice's bio (GET bio + ETag,
#                add the client's next token, PATCH with If-Match, retry on 412); every
#                acknowledged token must be in the bio, at every read and at the end
#                (scripts/rmw_client.py).
#   self-test    the same load without If-Match must be reported as losing updates, which
#                shows the lost-update check can fail.
#   crash        the same load, SIGKILL to the server mid-way; PRAGMA integrity_check on
#                the database; restart; every update acknowledged with 2xx before the kill
#                must be there (the stored version counts them, each client's newest token
#                is present); the same check must report the missing update on a copy of the
#                database that misses exactly the last acknowledged one (alice's row set back
#                to what that update was sent against). SIGKILL kills
#                the process, not the machine: the OS page cache survives it, so this shows
#                that acknowledged writes were handed to the OS, not that they reached the
#                disk; that is what `synchronous=FULL` is for (tested in examples/tests/db.rs).
#   burst        64 concurrent wrong passwords for alice from one address: exactly 5 are
#                checked (401), the rest refused by the login limiter (429)
#                (scripts/login_burst.py).
#   burst-control
#                the same burst against the demo with the runtime's NoLimit in place of its
#                limiter (benches/examples/no_limit_server.rs) must be reported as more than
#                5 checks, which shows the burst check can fail.
#   timing       median time to refuse an unknown user against a known user's wrong
#                password, one at a time without cache, and in bursts of 20 identical
#                concurrent requests with the cache: each ratio within 1 +- 0.10, every
#                answer 401.
#   timing-control
#                the same checks on an authenticator that refuses unknown users without
#                running argon2 (benches/examples/timing_check_control.rs): both must report
#                the unknown user faster, which shows the timing check can fail.
#   fuzz         cargo fuzz on the Basic Auth header parser and on patch deserialization
#                and apply: no panic, no write of a server-only or role-gated field (needs a
#                nightly toolchain; skipped, and said so, without one).
# Everything targets 127.0.0.1 only, on ports the kernel picks; every step is bounded in
# count and time. Exit status 0 only if every check passed; the last line is the summary.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
MODE=long
INSTANCES=false
for arg in "$@"; do
    case "$arg" in
        --short) MODE=short ;;
        --instances) INSTANCES=true ;;
        *) echo "usage: $0 [--short] [--instances]" >&2; exit 2 ;;
    esac
done
WORK="$(mktemp -d)"
# shellcheck source=scripts/lib.sh
source "$ROOT/scripts/lib.sh"
trap 'stop_all_servers; rm -rf "$WORK"' EXIT
cd "$ROOT"

# argon2 is optimised in every profile (the workspace's dev profile builds dependencies with
# opt-level 3), so the short run uses dev builds.
if [ "$MODE" = short ]; then
    PROFILE=dev CLIENTS=16 UPDATES=50 CRASH_UPDATES=80 KILL_AFTER=400 DEADLINE=60
    BUILD=(cargo build --quiet) BIN="$ROOT/target/debug"
else
    PROFILE=release CLIENTS=16 UPDATES=200 CRASH_UPDATES=200 KILL_AFTER=1000 DEADLINE=600
    BUILD=(cargo build --quiet --release) BIN="$ROOT/target/release"
fi
"${BUILD[@]}" -p safe-update-demo --bins
DEMO="$BIN/safe-update-demo"
DEMO_AXUM="$BIN/safe-update-demo-axum"
if [ "$MODE" = short ]; then FUZZ_SECONDS="${FUZZ_SECONDS:-5}"; else FUZZ_SECONDS="${FUZZ_SECONDS:-60}"; fi
PASSED=0
FAILED=0
SKIPPED=0
RESULTS=()
result() { # name pass|fail|skip detail
    case "$2" in
        pass) PASSED=$((PASSED + 1)) ;;
        fail) FAILED=$((FAILED + 1)) ;;
        skip) SKIPPED=$((SKIPPED + 1)) ;;
    esac
    RESULTS+=("$(printf '%-12s %-4s %s' "$1" "$2" "$3")")
    echo "-- $1: $2: $3 (${SECONDS}s since start)"
}
client() { python3 "$ROOT/scripts/rmw_client.py" "$@"; }

summary() {
    echo
    echo "== summary ($MODE$($INSTANCES && echo ", instances"))"
    printf '%s\n' "${RESULTS[@]}"
    echo "$(date -u +%FT%TZ); $(nproc) cores"
    echo "reliability: $PASSED passed, $FAILED failed, $SKIPPED skipped"
    [ "$FAILED" -eq 0 ]
}

echo "== reliability ($MODE, $PROFILE build of the demo)"
if $INSTANCES; then
    # shellcheck source=scripts/instances.sh
    source "$ROOT/scripts/instances.sh"
    summary
    exit
fi

# From benches/examples/: the timing checker, the same checker on an authenticator that skips
# argon2 for unknown users, and the demo without login limit (the last two for the controls).
"${BUILD[@]}" -p safe-update-benches --example timing_check --example timing_check_control \
    --example no_limit_server
TIMING="$BIN/examples/timing_check"
TIMING_CONTROL="$BIN/examples/timing_check_control"
NO_LIMIT_DEMO="$BIN/examples/no_limit_server"

echo "== lost-update: $CLIENTS clients x $UPDATES read-modify-write updates"
start_server lost "$DEMO" "$WORK/lost.db"
if client load --port "$SERVER_PORT" --user alice --password "$ALICE_PASSWORD" \
    --clients "$CLIENTS" --updates "$UPDATES" --deadline "$DEADLINE" \
    --acked "$WORK/lost.json" >"$WORK/lost.txt" 2>&1; then
    result lost-update pass "$(tail -1 "$WORK/lost.txt")"
else
    grep VIOLATION "$WORK/lost.txt" | head -5 >&2 || true
    result lost-update fail "$(tail -1 "$WORK/lost.txt")"
fi
stop_server "$SERVER_PID"

echo "== checker self-test: the same load without If-Match must be caught losing updates"
start_server selftest "$DEMO" "$WORK/selftest.db"
client load --port "$SERVER_PORT" --user alice --password "$ALICE_PASSWORD" \
    --clients "$CLIENTS" --updates 10 --deadline "$DEADLINE" --without-if-match \
    --acked "$WORK/selftest.json" >"$WORK/selftest.txt" 2>&1 || true
# Only lost updates count: a checker failing for another reason (a crash, a timeout) is blind.
lost=$(grep -c '^VIOLATION: lost update\|^VIOLATION: acknowledged .* missing' "$WORK/selftest.txt" || true)
if [ "$lost" -ge 1 ]; then
    result self-test pass "without If-Match: $lost lost updates detected, as expected"
else
    result self-test fail "no lost update detected without If-Match: the check is blind ($(tail -1 "$WORK/selftest.txt"))"
fi
stop_server "$SERVER_PID"

echo "== crash: SIGKILL after $KILL_AFTER acknowledged updates, integrity check, restart"
DB="$WORK/crash.db"
start_server crash "$DEMO" "$DB"
PID="$SERVER_PID"
crash_ok=true
control=""
detail=""
if ! client load --port "$SERVER_PORT" --user alice --password "$ALICE_PASSWORD" \
    --clients "$CLIENTS" --updates "$CRASH_UPDATES" --deadline "$DEADLINE" \
    --kill-pid "$PID" --kill-after "$KILL_AFTER" --acked "$WORK/crash.json" \
    >"$WORK/crash.txt" 2>&1; then
    crash_ok=false
    grep VIOLATION "$WORK/crash.txt" | head -5 >&2 || true
    detail="load: $(tail -1 "$WORK/crash.txt")"
fi
wait "$PID" 2>/dev/null || true
if kill -0 "$PID" 2>/dev/null; then
    crash_ok=false
    detail="$detail; the server survived SIGKILL?"
    stop_server "$PID"
fi
integrity=$(python3 - "$DB" <<'PY'
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1])
rows = conn.execute("PRAGMA integrity_check").fetchall()
print(",".join(row[0] for row in rows))
PY
)
if [ "$integrity" != ok ]; then
    crash_ok=false
    detail="$detail; integrity_check: $integrity"
fi
# The control's database: a copy of the killed server's in which alice's row is set back to
# the bio and version the last acknowledged update was sent against (If-Match made them the
# row just before it committed), so that it misses exactly that update. Made before the
# restart, which logs alice in and so writes to the file.
last_write=$(python3 - "$DB" "$WORK/crash.json" "$WORK/last-missing.db" <<'PY'
import json, sqlite3, sys
db, acked, copy = sys.argv[1:]
last = json.load(open(acked))["last"]
source, target = sqlite3.connect(db), sqlite3.connect(copy)
source.backup(target)
source.close()
(version,) = target.execute("SELECT version FROM users WHERE username = 'alice'").fetchone()
if version <= last["version_before"]:
    sys.exit(f"the database is at version {version}: the last acknowledged update is not in it")
target.execute(
    "UPDATE users SET bio = ?, version = ? WHERE username = 'alice'",
    (last["bio_before"], last["version_before"]),
)
target.commit()
target.close()
print(f"c{last['client']:02d}.{last['k']} version {last['version_before'] + 1}")
PY
) || { crash_ok=false; detail="$detail; no copy without the last acknowledged update: $last_write"; last_write=""; }
start_server crash-restart "$DEMO" "$DB"
if client verify --port "$SERVER_PORT" --user alice --password "$ALICE_PASSWORD" \
    --acked "$WORK/crash.json" >"$WORK/verify.txt" 2>&1; then
    :
else
    crash_ok=false
    grep VIOLATION "$WORK/verify.txt" | head -5 >&2 || true
fi
stop_server "$SERVER_PID"
# Control: the check must fail on the copy that misses the last acknowledged update, and
# fail by naming it; any other failure (a crash, a 401) would say nothing about the check.
if [ -n "$last_write" ]; then
    token="${last_write%% *}"
    start_server crash-control "$DEMO" "$WORK/last-missing.db"
    client verify --port "$SERVER_PORT" --user alice --password "$ALICE_PASSWORD" \
        --acked "$WORK/crash.json" >"$WORK/verify-control.txt" 2>&1 || true
    stop_server "$SERVER_PID"
    violations=$(grep -c '^VIOLATION: ' "$WORK/verify-control.txt" || true)
    if grep -q "^VIOLATION: acknowledged $token missing" "$WORK/verify-control.txt"; then
        control="on a copy without the last acknowledged update ($last_write): $violations violations reported, $token missing among them, as expected"
    else
        crash_ok=false
        detail="$detail; on a copy without the last acknowledged update ($last_write) the check did not report $token missing: it is blind ($violations violations; $(tail -1 "$WORK/verify-control.txt"))"
    fi
fi
detail="$(grep -h '^SIGKILL' "$WORK/crash.txt" | head -1); integrity_check: $integrity; $(tail -1 "$WORK/verify.txt")${control:+; $control}${detail:+; $detail}"
if $crash_ok; then result crash pass "$detail"; else result crash fail "$detail"; fi

echo "== burst: 64 concurrent wrong passwords for one user from one address"
start_server burst "$DEMO" "$WORK/burst.db"
if out=$(python3 "$ROOT/scripts/login_burst.py" --port "$SERVER_PORT" --user alice --count 64 --limit 5); then
    result burst pass "$out"
else
    result burst fail "$out"
fi
stop_server "$SERVER_PID"

echo "== burst control: the same burst against the demo without login limit must be reported"
start_server burst-control "$NO_LIMIT_DEMO" "$WORK/burst-control.db"
out=$(python3 "$ROOT/scripts/login_burst.py" --port "$SERVER_PORT" --user alice --count 64 --limit 5) \
    && status=0 || status=$?
checked=$(sed -n 's/.*: \([0-9]*\) checked (401).*/\1/p' <<<"$out")
# Only more checks than the limit count: a checker failing for another reason is blind.
if [ "$status" -ne 0 ] && [ "${checked:-0}" -gt 5 ] && [[ "$out" == *VIOLATION ]]; then
    result burst-control pass "with NoLimit the check fails, as expected: $out"
else
    result burst-control fail "with NoLimit the check did not report more than 5 checks: it is blind (exit $status: $out)"
fi
stop_server "$SERVER_PID"

echo "== timing: unknown user against wrong password, sequential and in concurrent bursts"
# The short run's tolerance is wider: fewer rounds on a shared machine give noisier medians.
if [ "$MODE" = short ]; then
    TIMING_ROUNDS=21 TIMING_TOLERANCE=0.15
else
    TIMING_ROUNDS=41 TIMING_TOLERANCE=0.10
fi
if out=$("$TIMING" "$TIMING_ROUNDS" "$TIMING_TOLERANCE" 20); then
    result timing pass "$(echo "$out" | tr '\n' ' ')"
else
    result timing fail "$(echo "$out" | tr '\n' ' ')"
fi

echo "== timing control: the same checks on an authenticator that skips argon2 for unknown users"
out=$("$TIMING_CONTROL" "$TIMING_ROUNDS" "$TIMING_TOLERANCE" 20) && status=0 || status=$?
# Both checks must report the unknown user answered faster (a ratio below 1, a VIOLATION),
# and every answer must still be bad credentials: the failure is the timing, nothing else.
faster=$(grep -c '^timing \(sequential\|concurrent\): .* ratio 0\.[0-9]* .*: VIOLATION$' <<<"$out" || true)
if [ "$status" -eq 1 ] && [ "$faster" -eq 2 ] && grep -q ' 0 answers other than bad credentials' <<<"$out"; then
    result timing-control pass "skipping argon2 for unknown users is reported, as expected: $(echo "$out" | tr '\n' ' ')"
else
    result timing-control fail "skipping argon2 for unknown users was not reported by both checks: the check is blind (exit $status: $(echo "$out" | tr '\n' ' '))"
fi

echo "== fuzz: ${FUZZ_SECONDS}s per target"
if ! cargo +nightly --version >/dev/null 2>&1; then
    result fuzz skip "no nightly toolchain (cargo fuzz needs one)"
else
    command -v cargo-fuzz >/dev/null || cargo install --quiet --locked cargo-fuzz
    for target in basic_auth_header patch_json; do
        corpus="$ROOT/benches/fuzz/corpus/$target"
        mkdir -p "$corpus"
        dict=()
        [ -f "$ROOT/benches/fuzz/$target.dict" ] && dict=("-dict=$ROOT/benches/fuzz/$target.dict")
        # A target that does not build is not a crash: say which it is.
        if ! cargo +nightly fuzz build --fuzz-dir benches/fuzz -O "$target" \
            >"$WORK/fuzz.$target.build.log" 2>&1; then
            grep -E "^error" -A5 "$WORK/fuzz.$target.build.log" | head -20 >&2 || true
            result "fuzz:$target" fail "the fuzz target does not build (log above)"
            continue
        fi
        if cargo +nightly fuzz run --fuzz-dir benches/fuzz -O "$target" "$corpus" \
            "$ROOT/benches/fuzz/seeds/$target" -- -max_total_time="$FUZZ_SECONDS" \
            -print_final_stats=1 "${dict[@]}" >"$WORK/fuzz.$target.log" 2>&1; then
            runs=$(awk '/stat::number_of_executed_units/ {print $2}' "$WORK/fuzz.$target.log")
            what="no panic, no forbidden write"
            [ "$target" = basic_auth_header ] && what="no panic, every accepted header round-trips"
            result "fuzz:$target" pass "$runs executions in ${FUZZ_SECONDS}s, $what"
        else
            grep -E "panicked|ERROR|SUMMARY" "$WORK/fuzz.$target.log" | head -5 >&2 || true
            result "fuzz:$target" fail "crash: see benches/fuzz/artifacts/$target"
        fi
    done
fi

summary
