#!/usr/bin/env bash
# A burst of password changes against the demo on SQLite (BENCHMARKS.md, "Password changes
# in a burst"): is every argon2 run bounded, in memory and in CPU?
#
#   scripts/password_burst.sh [BINARY] [COUNT] [BUDGET_MIB] [ROUNDS]
#
# BINARY is the actix demo to run (default target/debug/safe-update-demo, built here with
# `cargo build -p safe-update-demo` when it is the default); COUNT the concurrent requests
# (default 200); BUDGET_MIB the hash memory budget the limits are checked against (default 512,
# the library's default); ROUNDS how many times (default 3), each on a fresh SQLite file and
# a fresh server on a free port of 127.0.0.1. Each round runs scripts/password_burst.py:
# alice sends COUNT concurrent PUT /profile/password, each setting the password it
# authenticates with, while admin sends GET /profile; it prints the answers, the server's
# resident memory growth (sampled VmRSS, and VmHWM at the end) and admin's latencies.
# Exit status 0 only when every round met the limits (see password_burst.py).
#
# BURST_SERVER_ARGS (split on spaces) is added to the server's command line, e.g.
# BURST_SERVER_ARGS="--hash-memory-budget 19" with BUDGET_MIB 19 for a single argon2 slot.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BINARY="${1:-}"
COUNT="${2:-200}"
BUDGET_MIB="${3:-512}"
ROUNDS="${4:-3}"
WORK="$(mktemp -d)"
# shellcheck source=scripts/lib.sh
source "$ROOT/scripts/lib.sh"
trap 'stop_all_servers; rm -rf "$WORK"' EXIT

if [ -z "$BINARY" ]; then
    echo "== building (debug; dependencies at opt-level 3)"
    (cd "$ROOT" && cargo build --quiet -p safe-update-demo --bin safe-update-demo)
    BINARY="${CARGO_TARGET_DIR:-$ROOT/target}/debug/safe-update-demo"
fi

status=0
for round in $(seq "$ROUNDS"); do
    echo "== round $round: $BINARY"
    # shellcheck disable=SC2086 # split on purpose: several arguments
    start_server "burst$round" "$BINARY" "sqlite:$WORK/burst$round.db" ${BURST_SERVER_ARGS:-}
    admin=$(sed -n 's|^created user admin.* with password: \(.*\)$|\1|p' "$WORK/burst$round.$STARTS.out" | head -1)
    python3 "$ROOT/scripts/password_burst.py" --port "$SERVER_PORT" --pid "$SERVER_PID" \
        --user alice --password "$ALICE_PASSWORD" --other "admin:$admin" \
        --count "$COUNT" --budget-mib "$BUDGET_MIB" || status=1
    stop_server "$SERVER_PID"
done
exit "$status"
