#!/usr/bin/env bash
# The demo against an external API fuzzer: schemathesis reads GET /openapi.json and checks
# that the server does what the document says (BENCHMARKS.md, "Schemathesis").
#
#   scripts/schemathesis.sh [--short] [--axum]
#
# Installs schemathesis (pinned) in a venv under target/, starts the demo (debug build with
# --short, release otherwise; the actix binary unless --axum) on a free port of 127.0.0.1 with
# a fresh SQLite database, and runs `st run` with every check, authenticated as the seeded
# admin (six runs, see below): --short 25 examples per operation and 30 s per run,
# otherwise 300 and 300 s. Configuration in scripts/schemathesis.toml. Exits non-zero on any
# failure. Extra arguments for st go in ST_ARGS.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SCHEMATHESIS_VERSION=4.32.5
MODE=long
BIN=safe-update-demo
for arg in "$@"; do
    case "$arg" in
        --short) MODE=short ;;
        --axum) BIN=safe-update-demo-axum ;;
        *) echo "usage: $0 [--short] [--axum]" >&2; exit 2 ;;
    esac
done
WORK="$(mktemp -d)"
# shellcheck source=scripts/lib.sh
source "$ROOT/scripts/lib.sh"
trap 'stop_all_servers; rm -rf "$WORK"' EXIT

VENV="$ROOT/target/schemathesis-$SCHEMATHESIS_VERSION"
if [ ! -x "$VENV/bin/st" ]; then
    echo "== installing schemathesis $SCHEMATHESIS_VERSION in $VENV"
    if ! python3 -m venv "$VENV"; then
        # Debian's python3 keeps venv in a package of its own.
        apt-get install -y -qq python3-venv >/dev/null ||
            { apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null; }
        rm -rf "$VENV"
        python3 -m venv "$VENV"
    fi
    "$VENV/bin/pip" install --quiet "schemathesis==$SCHEMATHESIS_VERSION"
fi

cd "$ROOT"
if [ "$MODE" = short ]; then
    echo "== building the demo (debug)"
    cargo build --quiet -p safe-update-demo --bins
    DEMO="$ROOT/target/debug/$BIN"
    EXAMPLES=25
    MAX_TIME=30
else
    echo "== building the demo (release)"
    cargo build --quiet --release -p safe-update-demo --bins
    DEMO="$ROOT/target/release/$BIN"
    EXAMPLES=300
    MAX_TIME=300
fi

start_server schemathesis "$DEMO" "sqlite:$WORK/demo.db"
ADMIN_PASSWORD=$(sed -n 's|^created user admin.* with password: \(.*\)$|\1|p' "$WORK"/schemathesis.*.out | head -1)
URL="http://127.0.0.1:$SERVER_PORT"
echo "== $BIN on $URL: st run, $EXAMPLES examples per operation, at most ${MAX_TIME}s"
# Six runs, in this order, because a valid request can take the admin's powers away: POST
# /users first, the articles next (while the admin may still write every field of any
# article, and publish or archive one), the routes of /users/{username} next (a PATCH of
# /users/admin or /profile may demote the admin, after which they answer 403), then the others
# but the password (once that changes, every request of the run is 401), POST /profile on its
# own, then PUT /profile/password.
run_st() {
    "$VENV/bin/st" --config-file "$ROOT/scripts/schemathesis.toml" run "$URL/openapi.json" \
        --checks all \
        --auth "admin:$ADMIN_PASSWORD" \
        --max-time "$MAX_TIME" \
        --workers 1 \
        --seed 1 \
        --request-timeout 10 \
        "$@"
}
status=0
# POST /users without `ignored_auth`: its authentication is the other routes' own (one
# extractor), which the next runs check, and its wrong credentials would count towards the
# login limit of the admin's name, so that a later run's `ignored_auth` would meet 429.
# shellcheck disable=SC2086 # ST_ARGS are separate arguments
run_st --max-examples "$EXAMPLES" --include-operation-id createUser \
    --exclude-checks ignored_auth ${ST_ARGS:-} || status=$?
# The articles without `ignored_auth` too, for the same reason: their routes authenticate with
# the same extractors as the others, which the next runs check.
# shellcheck disable=SC2086
run_st --max-examples "$EXAMPLES" --include-path-regex '^/articles' \
    --exclude-checks ignored_auth ${ST_ARGS:-} || status=$?
# /users/{username} without `ignored_auth` as well: its GET answers any user, the admin
# demoted by an earlier PATCH too, so that check sends wrong credentials for the admin's name
# until the run's end, and the next runs' own wrong ones meet the login limit (429) in the
# same minute. Its extractors are the other routes' (`Identity`, `RequireRole` as for
# POST /users), whose `ignored_auth` the next run checks.
# shellcheck disable=SC2086
run_st --max-examples "$EXAMPLES" --include-path-regex '^/users/' \
    --exclude-checks ignored_auth ${ST_ARGS:-} || status=$?
# shellcheck disable=SC2086
run_st --max-examples "$EXAMPLES" --exclude-path-regex '^/(users|articles)' \
    --exclude-operation-id postProfile --exclude-operation-id putPassword ${ST_ARGS:-} ||
    status=$?
# POST /profile takes a form, and schemathesis cannot send the invalid form it means to: it
# marks a request invalid for an extra member and a missing `Authorization`, then its form
# encoder drops the member and `--auth` puts the credentials back, and the valid request it
# sent is (rightly) answered 200 (BENCHMARKS.md, "Schemathesis"). So this operation runs
# without `negative_data_rejection` (a CLI `--checks all` overrides the configuration file's
# per-operation settings); tests/tests/form.rs and the e2e suite show invalid forms refused.
# shellcheck disable=SC2086
run_st --max-examples "$EXAMPLES" --include-operation-id postProfile \
    --exclude-checks negative_data_rejection ${ST_ARGS:-} || status=$?
# Here without `ignored_auth` (the fourth and fifth runs have it): once the password has changed,
# the run's credentials are wrong, its failed logins reach the limit, and the limiter answers
# 429 (as documented) where that check wants 401 or 403 for its own wrong credentials.
# shellcheck disable=SC2086
run_st --max-examples "$EXAMPLES" --include-operation-id putPassword \
    --exclude-checks ignored_auth ${ST_ARGS:-} || status=$?
if [ "$status" -ne 0 ]; then
    echo "== the server's log (last 30 lines)"
    tail -30 "$SERVER_LOG"
fi
exit "$status"
